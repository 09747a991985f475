using System.Security.Cryptography;

namespace Ch13.Tests;

/// <summary>The data hash cache: used while a file's stamp holds, never after a write, never through a link.</summary>
public sealed class Sha256CacheTests : IDisposable
{
    readonly TempFolder temp = new();
    readonly string data;
    readonly string cacheFile;

    public Sha256CacheTests()
    {
        data = Path.Combine(temp.Path, "data.bin");
        File.WriteAllBytes(data, Bytes(1));
        Directory.CreateDirectory(Path.Combine(temp.Path, "out"));
        cacheFile = Path.Combine(temp.Path, "out", Sha256Cache.FileName);
        Thread.Sleep(20); // past the file system's ctime tick: the tests' cache remembers at once (settle 0)
    }

    public void Dispose() => temp.Dispose();

    static byte[] Bytes(int seed) => Enumerable.Range(0, 4096).Select(i => (byte)(i * seed + seed)).ToArray();

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    Sha256Cache Cache() => new(cacheFile, TimeSpan.Zero);

    [Fact]
    public void The_hash_is_the_files_and_is_remembered_under_its_full_path()
    {
        Cache().HashOf(data).Should().Be(Sha(Bytes(1)));
        File.ReadAllLines(cacheFile).Should().ContainSingle().Which.Should().StartWith(Sha(Bytes(1))).And.EndWith(" " + data);
    }

    [Fact]
    public void A_remembered_hash_is_used_while_the_stamp_holds_and_a_rewritten_file_is_hashed_again_even_with_size_and_mtime_restored()
    {
        Cache().HashOf(data);
        var poisoned = new string('0', 64);
        File.WriteAllText(cacheFile, poisoned + File.ReadAllText(cacheFile)[64..]);
        Cache().HashOf(data).Should().Be(poisoned, "an unchanged stamp is trusted: this is what makes the cache a shortcut");

        var mtime = File.GetLastWriteTimeUtc(data);
        File.WriteAllBytes(data, Bytes(2)); // same size
        File.SetLastWriteTimeUtc(data, mtime);
        Thread.Sleep(20); // so that the new stamp is settled and remembered too
        Cache().HashOf(data).Should().Be(Sha(Bytes(2)), "the write moved the ctime, which nothing sets back");
        File.ReadAllText(cacheFile).Should().StartWith(Sha(Bytes(2)));
    }

    [Fact]
    public void A_replaced_file_at_the_same_path_is_hashed_again()
    {
        Cache().HashOf(data);
        var other = Path.Combine(temp.Path, "other.bin");
        File.WriteAllBytes(other, Bytes(3));
        File.Move(other, data, overwrite: true);
        Cache().HashOf(data).Should().Be(Sha(Bytes(3)));
    }

    [Fact]
    public void A_file_changed_within_the_settle_time_is_hashed_but_not_remembered()
    {
        new Sha256Cache(cacheFile, TimeSpan.FromHours(1)).HashOf(data).Should().Be(Sha(Bytes(1)));
        File.Exists(cacheFile).Should().BeFalse();
    }

    [Theory]
    [InlineData("not a cache line\n")]
    [InlineData("0000 1:2:3:4:5 /x\n")]
    public void A_malformed_cache_is_not_trusted_and_is_replaced(string content)
    {
        File.WriteAllText(cacheFile, content);
        Cache().HashOf(data).Should().Be(Sha(Bytes(1)));
        File.ReadAllLines(cacheFile).Should().ContainSingle().Which.Should().StartWith(Sha(Bytes(1)));
    }

    [Fact]
    public void An_oversized_cache_is_not_read_and_is_replaced()
    {
        File.WriteAllText(cacheFile, new string('x', (int)Sha256Cache.MaxBytes + 1));
        Cache().HashOf(data).Should().Be(Sha(Bytes(1)));
        new FileInfo(cacheFile).Length.Should().BeLessThan(200);
    }

    [Fact]
    public void A_link_at_the_cache_path_is_neither_followed_nor_replaced()
    {
        var target = Path.Combine(temp.Path, "elsewhere.txt");
        File.WriteAllText(target, "not ours");
        File.CreateSymbolicLink(cacheFile, target);
        Cache().HashOf(data).Should().Be(Sha(Bytes(1)));
        Cache().HashOf(data).Should().Be(Sha(Bytes(1)));
        File.ReadAllText(target).Should().Be("not ours");
        SafeFiles.IsLink(cacheFile).Should().BeTrue();
    }

    [Fact]
    public void Without_its_folder_the_cache_creates_nothing()
    {
        var missing = Path.Combine(temp.Path, "no-out", Sha256Cache.FileName);
        new Sha256Cache(missing, TimeSpan.Zero).HashOf(data).Should().Be(Sha(Bytes(1)));
        Directory.Exists(Path.GetDirectoryName(missing)).Should().BeFalse();
    }

    [Fact]
    public void The_cache_keeps_at_most_its_entry_limit_newest_first()
    {
        var cache = Cache();
        for (var i = 0; i < Sha256Cache.MaxEntries + 3; i++)
        {
            var file = Path.Combine(temp.Path, $"f{i}.bin");
            File.WriteAllBytes(file, Bytes(i + 10));
        }
        Thread.Sleep(20);
        for (var i = 0; i < Sha256Cache.MaxEntries + 3; i++) cache.HashOf(Path.Combine(temp.Path, $"f{i}.bin"));
        var lines = File.ReadAllLines(cacheFile);
        lines.Should().HaveCount(Sha256Cache.MaxEntries);
        lines[0].Should().EndWith($"f{Sha256Cache.MaxEntries + 2}.bin");
    }
}
