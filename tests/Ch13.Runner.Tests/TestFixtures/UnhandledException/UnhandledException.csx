WriteLine("before");

throw new InvalidOperationException("script failed here");
