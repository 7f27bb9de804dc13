// Compiles the suites' precompiled headers (tests/CMakeLists.txt, nnlab_test_pch); nothing else.
