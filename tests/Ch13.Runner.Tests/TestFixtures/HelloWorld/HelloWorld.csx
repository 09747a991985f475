WriteLine("Hello world!");
