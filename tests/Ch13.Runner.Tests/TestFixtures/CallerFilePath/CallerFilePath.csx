#load "Where.cs"
using System.Runtime.CompilerServices;

static string Here([CallerFilePath] string path = "") => path;
WriteLine($"script: {Here()}");
WriteLine($"loaded: {Where.File()}");
