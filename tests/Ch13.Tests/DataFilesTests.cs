using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;

namespace Ch13.Tests;

/// <summary>Where the real data sets are for tests: $CH13_DATA, else <c>shared/data</c> beside the repo root.</summary>
public static class TestData
{
    public static string Root { get; } = Find();

    public static string AutoMpgPath => DataFiles.PathOf(Root, DataFiles.AutoMpgFile);

    static string Find()
    {
        var env = Environment.GetEnvironmentVariable(DataFiles.EnvVar);
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ch13.slnx"))) continue;
            var shared = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(shared)) return Path.GetFullPath(shared);
        }
        throw new InvalidOperationException(
            $"Test data not found: set {DataFiles.EnvVar} or put shared/data (with mnist/ and auto-mpg/) beside the repo root.");
    }
}

/// <summary>A scratch folder under the temp folder, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ch13-test-").FullName;
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Serves canned responses instead of the network and records what was asked for.</summary>
public sealed class FakeHttp(Func<Uri, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<Uri> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        return Task.FromResult(respond(request.RequestUri!));
    }

    public static HttpResponseMessage Bytes(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    public static FakeHttp Offline() => new(_ => throw new HttpRequestException("Name or service not known"));

    public static byte[] Gzip(byte[] raw)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest)) gz.Write(raw);
        return buffer.ToArray();
    }
}

public class DataFilesTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static readonly byte[] Content = Encoding.ASCII.GetBytes("18.0   8   307.0      130.0      3504.      12.0   70  1\t\"chevrolet\"\n");

    static DataFile Sample(params string[] urls) =>
        new("sample", "sample.data", urls.Select(u => new Uri(u)).ToArray(),
            Convert.ToHexStringLower(SHA256.HashData(Content)), Content.Length);

    string[] FilesIn(string set) =>
        Directory.Exists(Path.Combine(temp.Path, set)) ? Directory.GetFiles(Path.Combine(temp.Path, set)).Select(f => Path.GetFileName(f)).ToArray() : [];

    [Fact]
    public void Root_is_the_repo_data_folder_unless_CH13_DATA_is_set()
    {
        DataFiles.Root("/repo", null).Should().Be(Path.GetFullPath("/repo/data"));
        DataFiles.Root("/repo", " ").Should().Be(Path.GetFullPath("/repo/data"));
        DataFiles.Root("/repo", "/elsewhere/data").Should().Be(Path.GetFullPath("/elsewhere/data"));
    }

    [Fact]
    public void Catalogue_names_the_canonical_urls_and_mnist_downloads_gz_from_the_torchvision_mirror()
    {
        DataFiles.AutoMpgFile.Urls[0].ToString().Should().Be("http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data");
        DataFiles.MnistTrainImages.Urls[0].ToString().Should().Be("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz");
        DataFiles.MnistFiles.Select(f => f.Name).Should().Equal(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        DataFiles.Catalogue.Should().HaveCount(5).And.OnlyContain(f => f.Sha256.Length == 64);
    }

    [Fact]
    public void Catalogue_checksums_and_sizes_match_the_shared_copies()
    {
        foreach (var file in DataFiles.Catalogue)
        {
            var path = DataFiles.PathOf(TestData.Root, file);
            new FileInfo(path).Length.Should().Be(file.Size, file.Name);
            DataFiles.Sha256Of(path).Should().Be(file.Sha256, file.Name);
        }
    }

    [Fact]
    public void Ensure_returns_the_verified_shared_file_without_downloading()
    {
        var http = FakeHttp.Offline();
        DataFiles.Ensure(TestData.Root, DataFiles.AutoMpgFile, http, TextWriter.Null).Should().Be(TestData.AutoMpgPath);
        http.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Ensure_downloads_a_missing_gz_file_gunzips_it_and_leaves_no_temp_files()
    {
        var http = new FakeHttp(_ => FakeHttp.Bytes(FakeHttp.Gzip(Content)));
        var log = new StringWriter();

        var path = DataFiles.Ensure(temp.Path, Sample("https://example.org/sample.data.gz"), http, log);

        path.Should().Be(Path.Combine(temp.Path, "sample", "sample.data"));
        File.ReadAllBytes(path).Should().Equal(Content);
        FilesIn("sample").Should().Equal("sample.data");
        log.ToString().Should().Contain("Downloading https://example.org/sample.data.gz").And.Contain("100%");
    }

    [Fact]
    public void Ensure_downloads_an_uncompressed_file_as_is()
    {
        var http = new FakeHttp(_ => FakeHttp.Bytes(Content));
        var path = DataFiles.Ensure(temp.Path, Sample("https://example.org/sample.data"), http, TextWriter.Null);
        File.ReadAllBytes(path).Should().Equal(Content);
    }

    [Fact]
    public void Ensure_tries_the_next_mirror_when_the_first_fails()
    {
        var http = new FakeHttp(u => u.Host == "down.example"
            ? new HttpResponseMessage(HttpStatusCode.NotFound)
            : FakeHttp.Bytes(FakeHttp.Gzip(Content)));
        var path = DataFiles.Ensure(temp.Path, Sample("https://down.example/a.gz", "https://up.example/a.gz"), http, TextWriter.Null);
        File.ReadAllBytes(path).Should().Equal(Content);
        http.Requests.Select(u => u.Host).Should().Equal("down.example", "up.example");
    }

    [Fact]
    public void Ensure_never_leaves_a_download_with_the_wrong_checksum_in_place()
    {
        var http = new FakeHttp(_ => FakeHttp.Bytes(Encoding.ASCII.GetBytes("not the file")));
        var act = () => DataFiles.Ensure(temp.Path, Sample("https://example.org/sample.data"), http, TextWriter.Null);
        act.Should().Throw<Ch13Exception>().WithMessage("*sha256*is not the expected*");
        FilesIn("sample").Should().BeEmpty();
    }

    [Fact]
    public void Ensure_reports_a_broken_gzip_download_and_cleans_up()
    {
        var gz = FakeHttp.Gzip(Content);
        var http = new FakeHttp(_ => FakeHttp.Bytes(gz[..(gz.Length / 2)]));
        var act = () => DataFiles.Ensure(temp.Path, Sample("https://example.org/sample.data.gz"), http, TextWriter.Null);
        act.Should().Throw<Ch13Exception>();
        FilesIn("sample").Should().BeEmpty();
    }

    [Fact]
    public void Ensure_offline_lists_every_missing_file_with_its_urls_and_target_path_and_mentions_CH13_DATA()
    {
        var files = new[] { DataFiles.MnistTrainImages, DataFiles.MnistTrainLabels };
        var act = () => DataFiles.EnsureAll(temp.Path, files, FakeHttp.Offline(), TextWriter.Null);
        var message = act.Should().Throw<Ch13Exception>().Which.Message;
        foreach (var file in files)
        {
            message.Should().Contain(DataFiles.PathOf(temp.Path, file));
            foreach (var url in file.Urls) message.Should().Contain(url.ToString());
        }
        message.Should().Contain("CH13_DATA").And.Contain("Name or service not known").And.Contain("gunzip");
        FilesIn("mnist").Should().BeEmpty();
    }

    [Fact]
    public void Ensure_rejects_a_corrupt_local_file_naming_it_both_hashes_and_the_fix()
    {
        var file = Sample("https://example.org/sample.data");
        var path = DataFiles.PathOf(temp.Path, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var corrupt = (byte[])Content.Clone();
        corrupt[0] ^= 1;
        File.WriteAllBytes(path, corrupt);

        var act = () => DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null);

        act.Should().Throw<Ch13Exception>()
           .WithMessage($"*{path}*{file.Sha256}*{Convert.ToHexStringLower(SHA256.HashData(corrupt))}*delete*");
    }

    [Fact]
    public void Ensure_rejects_a_local_file_of_the_wrong_size_without_hashing_it()
    {
        var file = Sample("https://example.org/sample.data");
        var path = DataFiles.PathOf(temp.Path, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Content[..10]);
        var act = () => DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null);
        act.Should().Throw<Ch13Exception>().WithMessage("*10 bytes, expected*");
    }

    [Fact]
    public void One_changed_byte_is_caught_even_with_the_same_size_and_mtime_and_an_old_stamp_file_beside_it()
    {
        var file = Sample("https://example.org/sample.data");
        var path = DataFiles.PathOf(temp.Path, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Content);
        DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null).Should().Be(path);
        var mtime = File.GetLastWriteTimeUtc(path);
        // The stamp the old code wrote and trusted (sha256, size, mtime ticks), beside the file and in the temp folder.
        var stamp = $"{file.Sha256} {Content.Length} {mtime.Ticks}\n";
        File.WriteAllText(path + ".sha256", stamp);
        var elsewhere = Path.Combine(Path.GetTempPath(), "ch13-sha256",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(path))))[..24] + ".sha256");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        File.WriteAllText(elsewhere, stamp);
        try
        {
            var changed = (byte[])Content.Clone();
            changed[^1] ^= 1;
            File.WriteAllBytes(path, changed);
            File.SetLastWriteTimeUtc(path, mtime);

            var act = () => DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null);
            act.Should().Throw<Ch13Exception>().WithMessage($"*{path} is corrupt*");
        }
        finally { File.Delete(elsewhere); }
    }

    [Fact]
    public void Checking_present_files_writes_nothing_into_the_data_folder()
    {
        var file = Sample("https://example.org/sample.data");
        var path = DataFiles.PathOf(temp.Path, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Content);
        var before = Listing(temp.Path);
        DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null).Should().Be(path);
        DataFiles.Ensure(temp.Path, file, FakeHttp.Offline(), TextWriter.Null).Should().Be(path);
        Listing(temp.Path).Should().Equal(before);
    }

    [Fact]
    public void Loading_the_real_data_sets_leaves_their_folder_exactly_as_it_was()
    {
        var before = Listing(TestData.Root);
        DataFiles.EnsureAll(TestData.Root, DataFiles.Catalogue, FakeHttp.Offline(), TextWriter.Null);
        Listing(TestData.Root).Should().Equal(before);
    }

    // Every entry under root with its size and mtime: any file written, replaced or touched shows.
    static string[] Listing(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order()
            .Select(p => $"{Path.GetRelativePath(root, p)} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}")
            .ToArray();
}
