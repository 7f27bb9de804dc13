// trainer: being written
