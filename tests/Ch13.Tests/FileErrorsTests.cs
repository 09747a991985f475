using System.Diagnostics;

namespace Ch13.Tests;

/// <summary>
/// Environment failures at the write points (Files.WriteAtomic and what goes through it: metrics.json, PNGs,
/// checkpoints, CSV logs; output folders; the lock) are one-line Ch13Exceptions naming the path, what happened and
/// what to do, and never lose the file that was there. Faults come from the WriteFaults seam and, where the
/// machine allows mounting, from a real full or read-only tmpfs.
/// </summary>
public sealed class FileErrorsTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(FileErrors.ENOSPC, "no space left on the device")]
    [InlineData(FileErrors.EDQUOT, "no space left on the device")]
    [InlineData(FileErrors.EROFS, "the file system is read-only")]
    [InlineData(FileErrors.EACCES, "permission denied")]
    [InlineData(FileErrors.EIO, "input/output error")]
    public void A_fault_before_the_write_is_one_line_naming_the_path_and_keeps_the_old_file(int errno, string what)
    {
        var path = Path.Combine(temp.Path, "metrics.json");
        File.WriteAllText(path, "old");
        using (WriteFaults.Inject(new WriteFault(AtWrite: 1, Errno: errno)))
        {
            var error = FluentActions.Invoking(() => Files.WriteAllTextAtomic(path, "new")).Should().Throw<Ch13Exception>().Which;
            error.ExitCode.Should().Be(1);
            error.Message.Should().StartWith($"cannot write {path}: {what}").And.NotContain("\n").And.Contain("--out").And.EndWith(".");
        }
        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(temp.Path).Should().ContainSingle("the temp file is removed");
    }

    [Fact]
    public void A_disk_that_fills_after_some_bytes_leaves_the_old_file_whole_and_no_temp()
    {
        var path = Path.Combine(temp.Path, "history.png");
        File.WriteAllBytes(path, [1, 2, 3]);
        using (WriteFaults.Inject(new WriteFault(AtWrite: 1, AfterBytes: 10)))
            FluentActions.Invoking(() => Files.WriteAllTextAtomic(path, new string('x', 1000)))
                .Should().Throw<Ch13Exception>().WithMessage("*no space left*");
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        Directory.GetFiles(temp.Path).Should().ContainSingle();
    }

    [Fact]
    public void The_nth_write_fails_and_the_writes_before_it_are_complete()
    {
        using var _ = WriteFaults.Inject(new WriteFault(AtWrite: 3, AfterBytes: 0));
        Files.WriteAllTextAtomic(Path.Combine(temp.Path, "a.txt"), "a");
        Files.WriteAllTextAtomic(Path.Combine(temp.Path, "b.txt"), "b");
        FluentActions.Invoking(() => Files.WriteAllTextAtomic(Path.Combine(temp.Path, "c.txt"), "c")).Should().Throw<Ch13Exception>();
        Files.WriteAllTextAtomic(Path.Combine(temp.Path, "d.txt"), "d");
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order().Should().Equal("a.txt", "b.txt", "d.txt");
    }

    [Fact]
    public void The_seam_reads_a_child_processes_fault_from_the_environment_form()
    {
        WriteFaults.Parse("3:100:30").Should().Be(new WriteFault(3, 100, FileErrors.EROFS));
        WriteFaults.Parse("2").Should().Be(new WriteFault(2));
        WriteFaults.Parse(" ").Should().BeNull();
        FluentActions.Invoking(() => WriteFaults.Parse("x")).Should().Throw<Ch13Exception>().WithMessage($"*{WriteFaults.EnvVar}*");
    }

    [Fact]
    public void A_folder_where_the_file_belongs_is_named_as_such()
    {
        var path = Path.Combine(temp.Path, "metrics.json");
        Directory.CreateDirectory(path);
        FluentActions.Invoking(() => Files.WriteAllTextAtomic(path, "x")).Should().Throw<Ch13Exception>()
            .WithMessage($"cannot write {path}: it is a folder where a file belongs; move that folder away*");
    }

    [Fact]
    public void A_file_where_a_folder_belongs_is_named_as_such()
    {
        var blocker = Path.Combine(temp.Path, "out");
        File.WriteAllText(blocker, "");
        FluentActions.Invoking(() => Files.WriteAllTextAtomic(Path.Combine(blocker, "xor", "metrics.json"), "x")).Should().Throw<Ch13Exception>()
            .WithMessage($"*{blocker} is a file where a folder belongs*");
        FluentActions.Invoking(() => Runs.EnsureWritable(blocker)).Should().Throw<Ch13Exception>()
            .WithMessage($"cannot write to the output folder {blocker}: it is a file where a folder belongs*");
    }

    [Fact]
    public void A_lock_path_that_is_a_folder_is_one_line()
    {
        Directory.CreateDirectory(Path.Combine(temp.Path, FolderLocks.LockName));
        FluentActions.Invoking(() => FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor")).Should().Throw<Ch13Exception>()
            .WithMessage("cannot lock out/xor: *.lock is a folder*rmdir*");
    }

    [Fact]
    public void A_folder_where_a_data_file_belongs_is_named_as_such_not_reported_offline()
    {
        var path = DataFiles.PathOf(temp.Path, DataFiles.AutoMpgFile);
        Directory.CreateDirectory(path);
        var error = FluentActions.Invoking(() => DataFiles.Ensure(temp.Path, DataFiles.AutoMpgFile, new ThrowingHandler()))
            .Should().Throw<Ch13Exception>().Which;
        error.Message.Should().StartWith($"Data file {path} is a folder").And.NotContain("offline");
    }

    sealed class ThrowingHandler : System.Net.Http.HttpMessageHandler
    {
        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancel) =>
            throw new System.Net.Http.HttpRequestException("offline (test)");
    }

    // --- A real small file system (needs root and mount; the seam tests above run everywhere)

    [TmpfsFact]
    public void A_full_tmpfs_gives_the_no_space_line_and_keeps_the_old_file()
    {
        using var mount = TmpfsMount.TryCreate(temp.Path, "size=64k");
        mount.Should().NotBeNull(TmpfsMount.SkipReason);
        var path = Path.Combine(mount!.Path, "metrics.json");
        File.WriteAllText(path, "old");
        FillUp(mount.Path);
        FluentActions.Invoking(() => Files.WriteAllTextAtomic(path, new string('x', 200_000))).Should().Throw<Ch13Exception>()
            .WithMessage($"cannot write {path}: no space left on the device; *");
        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(mount.Path).Where(f => Files.IsTemp(Path.GetFileName(f))).Should().BeEmpty();
    }

    [TmpfsFact]
    public void A_read_only_file_system_gives_the_read_only_line()
    {
        using var mount = TmpfsMount.TryCreate(temp.Path, "size=64k,ro");
        mount.Should().NotBeNull(TmpfsMount.SkipReason);
        FluentActions.Invoking(() => Runs.EnsureWritable(Path.Combine(mount!.Path, "xor"))).Should().Throw<Ch13Exception>()
            .WithMessage("cannot write to the output folder *: the file system is read-only; choose a writable folder with --out DIR.");
        FluentActions.Invoking(() => Files.WriteAllTextAtomic(Path.Combine(mount!.Path, "m.json"), "x")).Should().Throw<Ch13Exception>()
            .WithMessage("*the file system is read-only*");
    }

    static void FillUp(string folder)
    {
        try
        {
            using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create);
            var block = new byte[4096];
            while (true) filler.Write(block);
        }
        catch (IOException) { }
    }
}

/// <summary>A fact that needs <c>mount -t tmpfs</c>: skipped, saying why, where mounting is refused.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    static readonly Lazy<string?> Refused = new(() =>
    {
        var parent = Directory.CreateTempSubdirectory("ch13-tmpfs-probe-").FullName;
        using (var mount = TmpfsMount.TryCreate(parent, "size=16k")) { if (mount is not null) { } }
        var reason = TmpfsMount.LastRefusal;
        try { Directory.Delete(parent, recursive: true); } catch (IOException) { }
        return reason;
    });

    public TmpfsFactAttribute()
    {
        if (Refused.Value is { } reason) Skip = reason;
    }
}

/// <summary>A tmpfs mounted for one test, or null (with <see cref="SkipReason"/>) where mounting is refused.</summary>
public sealed class TmpfsMount : IDisposable
{
    public string Path { get; }
    /// <summary>Why the last <see cref="TryCreate"/> got no mount (null when it got one).</summary>
    public static string? LastRefusal { get; private set; }

    public static string SkipReason => LastRefusal ?? "";

    TmpfsMount(string path) => Path = path;

    public static TmpfsMount? TryCreate(string parent, string options)
    {
        if (!OperatingSystem.IsLinux()) { LastRefusal = "tmpfs mounts need Linux"; return null; }
        var path = System.IO.Path.Combine(parent, "tmpfs");
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code == 0) { LastRefusal = null; return new TmpfsMount(path); }
        LastRefusal = $"mount -t tmpfs was refused here (exit {code}: {output.Trim()}); the WriteFaults seam tests cover the same paths";
        return null;
    }

    public void Dispose() => Run("umount", "-l", Path);

    static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
