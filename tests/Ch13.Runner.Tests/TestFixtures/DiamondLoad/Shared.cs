#nullable enable
public static class Shared { public const string Name = "shared"; }
