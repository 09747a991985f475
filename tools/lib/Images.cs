#nullable enable
using SkiaSharp;

/// <summary>
/// How much two images differ: <see cref="Score"/> is the mean absolute RGB difference scaled to 0–1 (0 = identical),
/// <see cref="ChangedPixels"/> the share of pixels that differ at all. Images of different sizes are compared
/// after scaling B to A's size, and <see cref="SameSize"/> says so.
/// </summary>
public sealed record ImageDiff(double Score, double ChangedPixels, bool SameSize, int WidthA, int HeightA, int WidthB, int HeightB)
{
    public bool Identical => Score == 0 && SameSize;
}

/// <summary>Image comparison for run comparisons: a difference score, an image of where two differ, compact WebP copies (SkiaSharp, via ScottPlot).</summary>
public static class Images
{
    static readonly SKColor Changed = new(214, 39, 40);

    /// <summary>Compares two image files pixel by pixel (see <see cref="ImageDiff"/>).</summary>
    public static ImageDiff Difference(string pathA, string pathB)
    {
        using var a = Decode(pathA);
        using var b = Decode(pathB);
        var (score, changed, _) = Compare(a, b);
        return new ImageDiff(score, changed, a.Width == b.Width && a.Height == b.Height, a.Width, a.Height, b.Width, b.Height);
    }

    /// <summary>
    /// Writes one image showing where A and B differ (A faded to grey, every changed pixel in red, at A's size) and
    /// returns the difference; nothing is written when they are identical.
    /// </summary>
    public static ImageDiff DifferenceImage(string pathA, string pathB, string outPath)
    {
        using var a = Decode(pathA);
        using var b = Decode(pathB);
        var (score, changed, mask) = Compare(a, b);
        var diff = new ImageDiff(score, changed, a.Width == b.Width && a.Height == b.Height, a.Width, a.Height, b.Width, b.Height);
        if (diff.Identical) return diff;
        using var panel = DifferencePanel(a, mask);
        Save(panel, outPath);
        return diff;
    }

    /// <summary>Quality of the compact copies a comparison page shows (lossy WebP: plots stay sharp at a fraction of a PNG's bytes).</summary>
    public const int WebpQuality = 70;

    /// <summary>Writes <paramref name="bitmap"/> to <paramref name="outPath"/>: WebP (<see cref="WebpQuality"/>) when the path ends in .webp, else PNG.</summary>
    public static void Save(SKBitmap bitmap, string outPath)
    {
        var webp = outPath.EndsWith(".webp", StringComparison.OrdinalIgnoreCase);
        using var data = bitmap.Encode(webp ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Png, webp ? WebpQuality : 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        Files.WriteAtomic(outPath, temp => File.WriteAllBytes(temp, data.ToArray()));
    }

    /// <summary>A compact copy of an image (WebP when <paramref name="outPath"/> ends in .webp), same size.</summary>
    public static void CompactCopy(string path, string outPath)
    {
        using var bitmap = Decode(path);
        Save(bitmap, outPath);
    }

    static SKBitmap Decode(string path) =>
        SKBitmap.Decode(path) ?? throw new Ch13Exception($"cannot read the image {path} (not a PNG/JPEG Skia can decode)");

    // Mean |Δ| over RGB (0–1), share of changed pixels, and the per-pixel change mask in A's geometry.
    static (double Score, double Changed, bool[] Mask) Compare(SKBitmap a, SKBitmap b)
    {
        SKBitmap? resized = null;
        if (a.Width != b.Width || a.Height != b.Height)
            resized = b.Resize(new SKImageInfo(a.Width, a.Height), new SKSamplingOptions(SKFilterMode.Linear)) ?? throw new Ch13Exception("cannot resize an image for comparison");
        try
        {
            var pa = a.Pixels;
            var pb = (resized ?? b).Pixels;
            var mask = new bool[pa.Length];
            double sum = 0;
            var changed = 0;
            for (var i = 0; i < pa.Length; i++)
            {
                var d = Math.Abs(pa[i].Red - pb[i].Red) + Math.Abs(pa[i].Green - pb[i].Green) + Math.Abs(pa[i].Blue - pb[i].Blue);
                if (d == 0 && pa[i].Alpha == pb[i].Alpha) continue;
                sum += d;
                changed++;
                mask[i] = true;
            }
            var score = pa.Length == 0 ? 0 : sum / (3.0 * 255 * pa.Length);
            return (score, pa.Length == 0 ? 0 : changed / (double)pa.Length, mask);
        }
        finally
        {
            resized?.Dispose();
        }
    }

    // A, faded to light grey, with every changed pixel in red.
    static SKBitmap DifferencePanel(SKBitmap a, bool[] mask)
    {
        var pixels = a.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            if (mask[i]) { pixels[i] = Changed; continue; }
            var grey = (byte)(255 - (255 - (pixels[i].Red + pixels[i].Green + pixels[i].Blue) / 3) / 4);
            pixels[i] = new SKColor(grey, grey, grey);
        }
        return new SKBitmap(a.Width, a.Height) { Pixels = pixels };
    }
}
