#nullable enable
using System.IO.Compression;
using System.Net.Http;
using System.Security.Cryptography;

// DataFiles: where the chapter's data sets live, and how a missing one gets there (download, gunzip, verify).

/// <summary>
/// One file of a data set as it sits on disk (uncompressed): <see cref="Set"/> is its folder under the data root.
/// <see cref="Urls"/> are tried in order; a gzip download (magic 1f 8b) is decompressed before checking
/// <see cref="Sha256"/> and <see cref="Size"/>, which are of the raw file.
/// </summary>
public sealed record DataFile(string Set, string Name, IReadOnlyList<Uri> Urls, string Sha256, long Size);

/// <summary>The data catalogue and <see cref="Ensure"/>: a verified local copy of a file, downloaded if missing.</summary>
public static class DataFiles
{
    /// <summary>Environment variable naming a data root to use instead of <c>&lt;repo&gt;/data</c>.</summary>
    public const string EnvVar = "CH13_DATA";

    // torchvision's mirror first: yann.lecun.com has been refusing downloads for years.
    static readonly string[] MnistMirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"];

    public static readonly DataFile AutoMpgFile = new("auto-mpg", "auto-mpg.data",
        [new("http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data"),
         new("https://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data")],
        "48b830e11feee5572525f8f1691ddb9d38d3d7b7063edcd8fca672c2a5e17d8d", 30286);

    public static readonly DataFile MnistTrainImages = MnistFile("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47040016);
    public static readonly DataFile MnistTrainLabels = MnistFile("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60008);
    public static readonly DataFile MnistTestImages = MnistFile("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7840016);
    public static readonly DataFile MnistTestLabels = MnistFile("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10008);

    /// <summary>The four MNIST files: train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<DataFile> MnistFiles { get; } = [MnistTrainImages, MnistTrainLabels, MnistTestImages, MnistTestLabels];

    /// <summary>Every known file, Auto MPG first then the four MNIST files.</summary>
    public static IReadOnlyList<DataFile> Catalogue { get; } = [AutoMpgFile, MnistTrainImages, MnistTrainLabels, MnistTestImages, MnistTestLabels];

    static DataFile MnistFile(string name, string sha256, long size) =>
        new("mnist", name, MnistMirrors.Select(m => new Uri(m + name + ".gz")).ToArray(), sha256, size);

    /// <summary>
    /// The data root: <c>$CH13_DATA</c> when set, else <c>&lt;repoRoot&gt;/data</c>. A <c>CH13_DATA</c> that is not an
    /// existing folder is a usage error naming it (exit 2): nothing is created at a mistyped path.
    /// </summary>
    public static string Root(string repoRoot)
    {
        var given = Environment.GetEnvironmentVariable(EnvVar);
        var root = Root(repoRoot, given);
        if (!string.IsNullOrWhiteSpace(given) && !Directory.Exists(root))
            throw Ch13Exception.Usage($"{EnvVar}={given} is not an existing folder; create it (mkdir -p) or set {EnvVar} to the folder holding mnist/ and auto-mpg/.");
        return root;
    }

    /// <summary>The data root given the value of <c>CH13_DATA</c> (null or blank: not set).</summary>
    public static string Root(string repoRoot, string? dataEnv) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(dataEnv) ? Path.Combine(repoRoot, "data") : dataEnv);

    /// <summary>Where <paramref name="file"/> belongs under <paramref name="root"/>, present or not.</summary>
    public static string PathOf(string root, DataFile file) => Path.Combine(root, file.Set, file.Name);

    /// <summary>
    /// Path of a verified local copy of <paramref name="file"/>. A present file is checked against its sha256
    /// (every time: nothing is written beside the data); a missing one is downloaded (progress on <paramref name="log"/>,
    /// default stderr), gunzipped, verified, and only then moved into place. <paramref name="handler"/> replaces
    /// the network (tests). Throws <see cref="Ch13Exception"/> for a corrupt file or a failed download.
    /// </summary>
    public static string Ensure(string root, DataFile file, HttpMessageHandler? handler = null, TextWriter? log = null) =>
        EnsureAll(root, [file], handler, log)[0];

    /// <summary>
    /// <see cref="Ensure"/> for several files; when downloads fail, one error lists every file still missing.
    /// </summary>
    public static string[] EnsureAll(string root, IReadOnlyList<DataFile> files, HttpMessageHandler? handler = null, TextWriter? log = null)
    {
        var paths = files.Select(f => PathOf(root, f)).ToArray();
        var missing = new List<(DataFile File, string Path)>();
        for (var i = 0; i < files.Count; i++)
        {
            if (Directory.Exists(paths[i]))
                throw new Ch13Exception($"Data file {paths[i]} is a folder, not the file {files[i].Name}. " +
                                        "Fix: move that folder away and run again (the file is then downloaded), or put the file there.");
            if (File.Exists(paths[i])) Verify(paths[i], files[i]);
            else missing.Add((files[i], paths[i]));
        }
        if (missing.Count == 0) return paths;

        var failures = new List<string>();
        using var client = handler is null ? DefaultClient() : new HttpClient(handler, disposeHandler: false);
        foreach (var (file, path) in missing)
        {
            var error = TryDownload(client, file, path, log ?? Console.Error, log is null && !Console.IsErrorRedirected);
            if (error is not null) failures.Add(error);
        }
        if (failures.Count > 0) throw new Ch13Exception(OfflineMessage(root, missing.Where(m => !File.Exists(m.Path)).ToList(), failures));
        return paths;
    }

    /// <summary>
    /// Where a present file's sha256 may come from instead of reading it again: <c>Runs.Start</c> sets the
    /// repository's (<c>out/.data-sha256</c>) for a script run; null (the default: tests, tools) hashes every time.
    /// </summary>
    public static Sha256Cache? HashCache { get; set; }

    /// <summary>The largest data file read (MNIST's largest is 47 MB).</summary>
    public const long MaxDataBytes = 1L << 30;

    /// <summary>sha256 of a file as lowercase hex.</summary>
    public static string Sha256Of(string path)
    {
        // A regular file only (a FIFO would block), and an unreadable one is the one permission line, not a trace.
        using var stream = SafeFiles.OpenRead(path, "data file", MaxDataBytes);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static HttpClient DefaultClient()
    {
        // Offline machines should fail fast rather than sit in connect().
        var sockets = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15), AutomaticDecompression = DecompressionNone };
        var client = new HttpClient(sockets) { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ch13-data/1.0");
        return client;
    }

    // Keep the server's bytes as they are: a .gz download is gunzipped by us, after the gzip check.
    static System.Net.DecompressionMethods DecompressionNone => System.Net.DecompressionMethods.None;

    // Hashed (55 MB of MNIST: about 0.06 s warm) unless HashCache knows the file by a stamp that every write changes;
    // nothing is ever written beside the user's data.
    static void Verify(string path, DataFile file)
    {
        var length = new FileInfo(path).Length;
        var actual = length != file.Size ? $"(not computed: {length} bytes, expected {file.Size})"
            : HashCache is { } cache ? cache.HashOf(path) : Sha256Of(path);
        if (actual != file.Sha256)
            throw new Ch13Exception(
                $"Data file {path} is corrupt or not the expected version.\n" +
                $"  expected sha256 {file.Sha256} ({file.Size} bytes)\n" +
                $"  actual   sha256 {actual}\n" +
                $"Fix: delete {path} and run again to download it afresh from {file.Urls[0]}, " +
                $"or replace it with a good copy (the sha256 must match).");
    }

    /// <summary>Downloads, gunzips and verifies one file into place; returns an error line, or null on success.</summary>
    static string? TryDownload(HttpClient client, DataFile file, string path, TextWriter log, bool terminal)
    {
        var folder = Path.GetDirectoryName(path)!;
        var created = !Directory.Exists(folder);
        try
        {
            var error = TryDownloadInto(client, file, path, folder, log, terminal);
            // Folders are created only for a download that succeeds: a failed one leaves no empty set folder.
            if (error is not null && created) RemoveIfEmpty(folder);
            return error;
        }
        catch (Ch13Exception) { if (created) RemoveIfEmpty(folder); throw; }
    }

    static void RemoveIfEmpty(string folder)
    {
        try { if (SafeFiles.KindOf(folder) == EntryKind.Folder && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static string? TryDownloadInto(HttpClient client, DataFile file, string path, string folder, TextWriter log, bool terminal)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Ch13Exception($"Cannot create the data folder {folder}: {e.Message}\n" +
                                    $"Fix: make it writable, or set {EnvVar} to a writable folder holding mnist/ and auto-mpg/.", inner: e);
        }
        var tag = $".{Environment.ProcessId}-{Guid.NewGuid():N}";
        var download = Path.Combine(folder, file.Name + tag + ".download");
        var raw = Path.Combine(folder, file.Name + tag + ".part");
        var errors = new List<string>();
        try
        {
            foreach (var url in file.Urls)
            {
                try
                {
                    log.WriteLine($"Downloading {url} -> {path}");
                    Fetch(client, url, download, log, terminal);
                    if (IsGzip(download)) Gunzip(download, raw, url);
                    else File.Move(download, raw, overwrite: true);
                    var actual = Sha256Of(raw);
                    if (actual != file.Sha256)
                    {
                        errors.Add($"{url}: sha256 {actual} is not the expected {file.Sha256}");
                        continue;
                    }
                    File.Move(raw, path, overwrite: true);
                    return null;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidDataException or UnauthorizedAccessException)
                {
                    errors.Add($"{url}: {e.Message}");
                }
            }
            return $"{file.Set}/{file.Name}: " + string.Join("; ", errors);
        }
        finally
        {
            foreach (var temp in new[] { download, raw })
                try { File.Delete(temp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    static void Fetch(HttpClient client, Uri url, string target, TextWriter log, bool terminal)
    {
        using var response = client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        var total = response.Content.Headers.ContentLength;
        using var source = response.Content.ReadAsStream();
        using var sink = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        using var progress = new Progress(log, terminal, total, Path.GetFileName(url.AbsolutePath));
        var buffer = new byte[1 << 16];
        long done = 0;
        int n;
        while ((n = source.Read(buffer)) > 0)
        {
            sink.Write(buffer, 0, n);
            done += n;
            progress.Report(done);
        }
        progress.Finish(done);
        if (total is long expected && done != expected)
            throw new IOException($"connection closed after {done} of {expected} bytes");
    }

    static bool IsGzip(string path)
    {
        using var stream = File.OpenRead(path);
        return stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
    }

    static void Gunzip(string source, string target, Uri url)
    {
        try
        {
            using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
            using var output = new FileStream(target, FileMode.Create, FileAccess.Write);
            input.CopyTo(output);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"the download is not valid gzip ({e.Message})", e);
        }
    }

    static string OfflineMessage(string root, List<(DataFile File, string Path)> missing, List<string> failures)
    {
        var text = new StringBuilder();
        text.AppendLine($"Could not download {missing.Count} data file(s) (offline, or the server refused):");
        foreach (var failure in failures) text.AppendLine("  " + failure);
        text.AppendLine("Fix: download these yourself and put each at the path shown (decompress .gz files, e.g. with gunzip):");
        foreach (var (file, path) in missing)
        {
            text.AppendLine($"  {path}");
            foreach (var url in file.Urls) text.AppendLine($"      from {url}");
        }
        text.Append($"or set {EnvVar} to a folder that already holds auto-mpg/ and mnist/ with these files (now: {root}).");
        return text.ToString();
    }

    /// <summary>
    /// A download's progress: on a terminal the shared live bar (<see cref="ProgressDisplay"/>, counting kB, on
    /// <c>log</c>); otherwise a line every 10%, so logs stay short.
    /// </summary>
    sealed class Progress : IDisposable
    {
        readonly TextWriter log;
        readonly long? total;
        readonly string name;
        readonly Stopwatch clock = Stopwatch.StartNew();
        readonly ProgressDisplay? bar;
        int lastShown = -1;
        bool disposed;

        public Progress(TextWriter log, bool terminal, long? total, string name)
        {
            (this.log, this.total, this.name) = (log, total, name);
            if (terminal && total is long all && all > 0) bar = ProgressDisplay.Live(log, ProgressDisplay.TerminalWidth, $"  {name}", all / 1000);
        }

        public void Report(long done)
        {
            if (total is not long all || all <= 0) return;
            if (bar is not null)
            {
                if (bar.WantsFrame(force: done == all)) bar.Show(new BarState($"  {name}", done / 1000, all / 1000, clock.Elapsed, [], "kB"));
                return;
            }
            var percent = (int)(100 * done / all);
            if (percent / 10 == lastShown / 10 && lastShown >= 0) return;
            log.WriteLine($"  {percent}% of {all / 1e6:F1} MB");
            lastShown = percent;
        }

        public void Finish(long done)
        {
            Dispose();
            if (total is null) log.WriteLine($"  {done / 1e6:F1} MB");
        }

        // Leaves the bar's last frame on screen and gives the console back (also when the download fails midway).
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            bar?.Dispose();
        }
    }
}
