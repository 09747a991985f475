#nullable enable
string? maybe = Environment.GetEnvironmentVariable("CH13_SURELY_UNSET");
WriteLine(maybe.Length);
