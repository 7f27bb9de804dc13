// model_file: being written
