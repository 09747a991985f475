#nullable enable
public static class Broken
{
    public static int Value => "not an int";
}
