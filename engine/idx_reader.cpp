// idx_reader: being written
