// csv_reader: being written
