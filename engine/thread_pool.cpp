// thread_pool: being written
