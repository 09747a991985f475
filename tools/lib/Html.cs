#nullable enable
using System.Net;

/// <summary>
/// The small HTML vocabulary the reports share (tables are TextTables.ToHtml): escaping, relative URLs, and a
/// self-contained page (inline CSS, no external resources) whose inline script counts images that failed to load (shown as a banner and written to
/// <c>body[data-images-total]</c>/<c>[data-images-broken]</c>, which the browser tests read back).
/// </summary>
public static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A relative URL for a path below the page: each segment escaped, '/' between them.</summary>
    public static string Url(string relativePath) =>
        string.Join('/', relativePath.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    /// <summary>A whole page around <paramref name="body"/>.</summary>
    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}}</title>
        <style>
        {{Css}}
        </style>
        </head>
        <body>
        <p id="image-status" class="bad" hidden></p>
        {{body}}
        <script>
        {{ImageCheck}}
        </script>
        </body>
        </html>

        """;

    const string Css = """
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1500px; padding: 0 24px 48px; color: #1f2328; }
        h1 { margin: 24px 0 4px; } h2 { margin-top: 40px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; } h3 { margin: 20px 0 8px; }
        h1 code, h2 code { font-size: 0.9em; }
        h2 small { font-weight: normal; color: #57606a; font-size: 60%; }
        code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        pre { background: #f6f8fa; padding: 10px 12px; overflow-x: auto; border-radius: 6px; }
        table { border-collapse: collapse; margin: 8px 0 16px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .ok { color: #1a7f37; font-weight: 600; } .bad { color: #cf222e; font-weight: 600; } .muted { color: #57606a; }
        .what { font-size: 17px; margin: 6px 0 10px; }
        figure { margin: 8px 0 20px; } figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
        figcaption { color: #57606a; font-size: 13px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; }
        details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
        #image-status { background: #ffebe9; padding: 8px 12px; border-radius: 6px; }
        """;

    const string ImageCheck = """
        window.addEventListener('load', function () {
          var images = Array.prototype.slice.call(document.images);
          var broken = images.filter(function (img) { return !img.complete || img.naturalWidth === 0; });
          document.body.setAttribute('data-images-total', String(images.length));
          document.body.setAttribute('data-images-broken', String(broken.length));
          if (broken.length > 0) {
            var status = document.getElementById('image-status');
            status.textContent = broken.length + ' image(s) failed to load: ' + broken.map(function (img) { return img.getAttribute('src').slice(0, 120); }).join(', ');
            status.hidden = false;
          }
        });
        """;
}
