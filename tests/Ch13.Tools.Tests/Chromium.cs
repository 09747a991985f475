using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ch13.Tools.Tests;

/// <summary>What headless Chromium saw of a page: the image counts the page's own check wrote into the DOM, and the DOM.</summary>
public sealed record PageLoad(int ImagesTotal, int ImagesBroken, string Dom);

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>; CI installs it) for the report tests: the DOM after load, and a
/// screenshot. Missing Chromium is a test failure that says how to install it, never a silent skip.
/// </summary>
public static class Chromium
{
    static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

    public static string Path =>
        Environment.GetEnvironmentVariable("CH13_CHROMIUM") is { Length: > 0 } configured ? configured
        : Candidates.FirstOrDefault(File.Exists)
          ?? throw new InvalidOperationException("Chromium is needed for the report tests and was not found: install it with `apt-get install -y chromium` (.ci/run does), or set CH13_CHROMIUM to a Chrome/Chromium binary.");

    /// <summary>Loads a local HTML file and returns the DOM after the load event (the page's image check has run by then).</summary>
    public static PageLoad Load(string htmlPath)
    {
        var dom = Run("--dump-dom", "--virtual-time-budget=10000", new Uri(htmlPath).AbsoluteUri);
        int Attribute(string name)
        {
            var match = Regex.Match(dom, $"<body[^>]*\\s{name}=\"(\\d+)\"");
            match.Success.Should().BeTrue($"the page's image check writes {name} on <body>; the DOM was:\n{dom[..Math.Min(dom.Length, 2000)]}");
            return int.Parse(match.Groups[1].Value);
        }
        return new PageLoad(Attribute("data-images-total"), Attribute("data-images-broken"), dom);
    }

    /// <summary>Saves a screenshot of a local HTML file to <paramref name="pngPath"/>.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width = 1400, int height = 2000)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(pngPath)!);
        Run($"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", "--virtual-time-budget=10000", new Uri(htmlPath).AbsoluteUri);
        File.Exists(pngPath).Should().BeTrue($"Chromium should have written {pngPath}");
    }

    /// <summary>Where tests keep their screenshots: <c>TestResults/screenshots</c> beside the test assembly.</summary>
    public static string ArtifactPath(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", name);

    static string Run(params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("ch13-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Flags for a closed network, as root, without a GPU (see the machine notes).
            foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", $"--user-data-dir={profile.FullName}" })
                start.ArgumentList.Add(flag);
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium {string.Join(' ', args)} did not finish in 90 s");
            }
            process.ExitCode.Should().Be(0, $"chromium failed:\n{errors.Result}");
            return output.Result;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
