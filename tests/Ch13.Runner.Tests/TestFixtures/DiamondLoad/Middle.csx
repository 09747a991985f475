#load "Shared.cs"

public static class Middle { public const string Name = "middle"; }
