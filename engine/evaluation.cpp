// evaluation: being written
