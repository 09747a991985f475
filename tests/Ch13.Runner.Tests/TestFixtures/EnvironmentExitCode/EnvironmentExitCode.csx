Environment.ExitCode = 42;
