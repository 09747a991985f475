using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ch13.Tools.Tests;

/// <summary>
/// What headless Chromium saw of a page at a viewport width: the image counts and layout measures the page's own check
/// wrote into the DOM (elements reaching past the viewport, and scrolling boxes whose content is wider than the box;
/// the document's scroll width and height; whether it saw the dark scheme), and the DOM.
/// </summary>
public sealed record PageLoad(int ImagesTotal, int ImagesBroken, string Dom, int Overflowing = 0, string OverflowingFirst = "", int ScrollWidth = 0, int PageHeight = 0, bool Dark = false);

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

    /// <summary>
    /// Loads a local HTML file with <c>#check</c> (the page then loads every lazy image at once and measures itself)
    /// in a viewport <paramref name="width"/> px wide, and returns what the page's check wrote after load. Headless
    /// Chromium keeps windows at least 500 px wide, so the page is loaded in an iframe of that width (<see cref="Harness"/>).
    /// With <paramref name="dark"/> the page sees <c>prefers-color-scheme: dark</c> (<c>--force-dark-mode</c>; the page's
    /// check reports what it saw as <see cref="PageLoad.Dark"/>).
    /// </summary>
    public static PageLoad Load(string htmlPath, int width = 1400, bool dark = false)
    {
        var harness = Harness(htmlPath, width, 1000, copyBack: true);
        string dom;
        try { dom = Run(dark ? "--force-dark-mode" : "--no-first-run", "--dump-dom", $"--window-size={Math.Max(width, 500)},1000", "--hide-scrollbars", "--allow-file-access-from-files", "--virtual-time-budget=15000", new Uri(harness).AbsoluteUri); }
        finally { File.Delete(harness); }
        string Attribute(string name)
        {
            var match = Regex.Match(dom, $"<body[^>]*\\s{name}=\"([^\"]*)\"");
            match.Success.Should().BeTrue($"the page's check writes {name} on <body>; the DOM was:\n{dom[..Math.Min(dom.Length, 2000)]}");
            return match.Groups[1].Value;
        }
        int Number(string name) => int.Parse(Attribute(name));
        Attribute("data-viewport-width").Should().Be(width.ToString(), "the page's viewport is as wide as asked");
        var inner = Regex.Match(dom, "<pre id=\"inner\">(.*)</pre>", RegexOptions.Singleline);
        return new PageLoad(Number("data-images-total"), Number("data-images-broken"), System.Net.WebUtility.HtmlDecode(inner.Groups[1].Value),
            Number("data-overflowing"), System.Net.WebUtility.HtmlDecode(Attribute("data-overflowing-first")), Number("data-scroll-width"), Number("data-page-height"), Attribute("data-dark") == "true");
    }

    /// <summary>
    /// A page (in the temp folder) showing <paramref name="htmlPath"/>#check in an iframe <paramref name="width"/> × <paramref name="height"/> px;
    /// with <paramref name="copyBack"/> it copies the page's data-* attributes and its DOM (as text in <c>pre#inner</c>) into its own once the check ran.
    /// </summary>
    static string Harness(string htmlPath, int width, int height, bool copyBack)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ch13-harness-{Guid.NewGuid():N}.html");
        var script = !copyBack ? "" : """
            <script>
            var f = document.getElementById('f');
            var timer = setInterval(function () {
              try {
                var b = f.contentDocument && f.contentDocument.body;
                if (!b || !b.getAttribute('data-checked')) return;
                clearInterval(timer);
                for (var i = 0; i < b.attributes.length; i++) { var a = b.attributes[i]; if (a.name.indexOf('data-') === 0) document.body.setAttribute(a.name, a.value); }
                var pre = document.createElement('pre'); pre.id = 'inner'; pre.textContent = f.contentDocument.documentElement.outerHTML; document.body.appendChild(pre);
              } catch (e) { clearInterval(timer); document.body.setAttribute('data-error', String(e)); }
            }, 50);
            </script>
            """;
        File.WriteAllText(path, $"""
            <!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
            <iframe id="f" src="{new Uri(htmlPath).AbsoluteUri}#check" style="border:0;display:block;width:{width}px;height:{height}px"></iframe>
            {script}
            </body></html>
            """);
        return path;
    }

    /// <summary>The bytes a local page loads: the HTML and every image it references (relative paths, each counted once).</summary>
    public static long PageWeight(string htmlPath)
    {
        var html = File.ReadAllText(htmlPath);
        var dir = System.IO.Path.GetDirectoryName(htmlPath)!;
        var images = Regex.Matches(html, "<img [^>]*src=\"([^\"]*)\"").Select(m => m.Groups[1].Value)
            .Where(src => !src.StartsWith("data:")).Select(src => System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, Uri.UnescapeDataString(src)))).Distinct();
        return new FileInfo(htmlPath).Length + images.Sum(f => new FileInfo(f).Length); // embedded images are in the HTML's length
    }

    /// <summary>Saves a screenshot of a local HTML file, <paramref name="width"/> px wide (in an iframe when narrower than headless Chromium's 500 px), every lazy image loaded.</summary>
    /// With <paramref name="dark"/>, the page sees <c>prefers-color-scheme: dark</c>.
    public static void Screenshot(string htmlPath, string pngPath, int width = 1400, int height = 2000, bool dark = false)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(pngPath)!);
        var harness = Harness(htmlPath, width, height, copyBack: false);
        try { Run(dark ? "--force-dark-mode" : "--no-first-run", $"--screenshot={pngPath}", $"--window-size={Math.Max(width, 500)},{height}", "--hide-scrollbars", "--allow-file-access-from-files", "--virtual-time-budget=15000", new Uri(harness).AbsoluteUri); }
        finally { File.Delete(harness); }
        File.Exists(pngPath).Should().BeTrue($"Chromium should have written {pngPath}");
    }

    /// <summary>Where tests keep their screenshots, outside the folders they delete: <c>$TMPDIR/ch13-screenshots/</c>.</summary>
    public static string ArtifactPath(string name) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ch13-screenshots", name);

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
