using System.Diagnostics;
using System.Net.Sockets;

namespace Ch13.Tests;

/// <summary>
/// SafeFiles and SafePaths against the real thing: a FIFO nobody writes to (refused at once, under a timeout), a device,
/// a socket, symbolic links (to a file, to a folder, dangling), a file larger than the cap, names with separators and
/// dots, and deletes that must not reach through a link.
/// </summary>
public sealed class SafeFilesTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static void Mkfifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    static Ch13Exception Refusal(Action read)
    {
        var task = Task.Run(read);
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)).Should().BeTrue("a refusal never waits on the file");
        return task.Exception!.InnerException.Should().BeOfType<Ch13Exception>().Which;
    }

    [Fact]
    public void A_fifo_a_device_a_socket_a_folder_and_links_are_refused_at_once_in_one_line()
    {
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(temp.Path, "weights.pth");
        Mkfifo(fifo);
        var sock = Path.Combine(temp.Path, "s.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(sock));
        var target = Path.Combine(temp.Path, "real.pth");
        File.WriteAllText(target, "x");
        var link = Path.Combine(temp.Path, "link.pth");
        File.CreateSymbolicLink(link, target);
        var dangling = Path.Combine(temp.Path, "dangling.pth");
        File.CreateSymbolicLink(dangling, Path.Combine(temp.Path, "nowhere"));
        var cases = new (string Path, string Says)[]
        {
            (fifo, "named pipe"), ("/dev/zero", "device"), (sock, "socket"), (temp.Path, "folder"),
            (link, "symbolic link"), (dangling, "symbolic link"), (Path.Combine(temp.Path, "missing"), "no such file"),
        };
        foreach (var (path, says) in cases)
        {
            var error = Refusal(() => SafeFiles.OpenRead(path, "checkpoint", 1 << 20).Dispose());
            error.ExitCode.Should().Be(1);
            error.Message.Should().StartWith($"checkpoint {path}: ").And.Contain(says).And.NotContain("\n");
        }
        SafeFiles.ReadAllText(target, "checkpoint", 10).Should().Be("x");
    }

    [Fact]
    public void A_file_over_the_cap_is_refused_before_it_is_read()
    {
        var big = Path.Combine(temp.Path, "big.json");
        File.WriteAllBytes(big, new byte[4096]);
        var error = Refusal(() => SafeFiles.ReadAllBytes(big, "record", 1000));
        error.Message.Should().Contain("4,096 bytes").And.Contain("1,000");
    }

    [Fact]
    public void An_unreadable_file_is_the_permission_line()
    {
        if (!OperatingSystem.IsLinux()) return;
        var file = Path.Combine(temp.Path, "locked.csv");
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, UnixFileMode.None);
        // root reads anything: drop to nobody with setpriv, where the kernel must say no.
        var probe = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "cat", file]) { RedirectStandardError = true, RedirectStandardOutput = true });
        if (probe is null) return;
        probe.WaitForExit();
        if (Environment.UserName != "root" && probe.ExitCode != 0)
        {
            var error = Refusal(() => SafeFiles.ReadAllText(file, "data file", 100));
            error.Message.Should().Contain("permission denied").And.NotContain("\n");
        }
        else SafeFiles.KindOf(file).Should().Be(EntryKind.File); // root: the end-to-end test drops privileges instead
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..\\up")]
    [InlineData("/etc")]
    [InlineData("x\0y")]
    [InlineData("x\ny")]
    [InlineData(" lead")]
    [InlineData("$(rm)")]
    public void A_name_from_a_file_that_is_not_one_safe_segment_is_refused_naming_the_source(string name)
    {
        SafePaths.IsSegment(name).Should().BeFalse();
        var error = FluentActions.Invoking(() => SafePaths.Segment(name, "script name", "out/x/metrics.json")).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().StartWith("out/x/metrics.json: its script name").And.NotContain("\n").And.NotContain("\0");
    }

    [Theory]
    [InlineData("xor")]
    [InlineData("MLP 2-10-6-2")]
    [InlineData("lr=0.001")]
    [InlineData("20260101T000000.000Z-12")]
    public void Ordinary_names_pass(string name) => SafePaths.Segment(name, "series", "f").Should().Be(name);

    [Fact]
    public void Inside_means_below_on_the_text_and_no_link_on_the_way()
    {
        var owner = Path.Combine(temp.Path, "owner");
        var outside = Path.Combine(temp.Path, "outside");
        Directory.CreateDirectory(Path.Combine(owner, "a"));
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(owner, "jump"), outside);
        SafePaths.IsInside(Path.Combine(owner, "a", "b"), owner).Should().BeTrue();
        SafePaths.IsInside(Path.Combine(owner, "a", "..", "..", "outside"), owner).Should().BeFalse();
        SafePaths.IsInside(owner + "2", owner).Should().BeFalse();
        SafePaths.IsInside(owner, owner).Should().BeFalse();
        SafePaths.IsInside(Path.Combine(owner, "jump", "x"), owner).Should().BeFalse();
        SafePaths.IsInside(Path.Combine(owner, "jump"), owner).Should().BeFalse();
    }

    [Fact]
    public void A_delete_never_reaches_through_a_link_nor_outside_nor_without_the_marker()
    {
        var owner = Path.Combine(temp.Path, "store");
        var victim = Path.Combine(temp.Path, "victim");
        Directory.CreateDirectory(owner);
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Combine(victim, ".ch13-run"), "");
        File.WriteAllText(Path.Combine(victim, "precious.txt"), "keep");
        Directory.CreateSymbolicLink(Path.Combine(owner, "run1"), victim);
        SafeFiles.DeleteOwnedFolder(Path.Combine(owner, "run1"), owner, ".ch13-run").Should().BeFalse();
        SafeFiles.DeleteOwnedFolder(victim, owner, ".ch13-run").Should().BeFalse();
        var unmarked = Path.Combine(owner, "unmarked");
        Directory.CreateDirectory(unmarked);
        SafeFiles.DeleteOwnedFolder(unmarked, owner, ".ch13-run").Should().BeFalse();
        var mine = Path.Combine(owner, "mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, ".ch13-run"), "");
        Directory.CreateSymbolicLink(Path.Combine(mine, "inner"), victim);
        SafeFiles.DeleteOwnedFolder(mine, owner, ".ch13-run").Should().BeTrue();
        Directory.Exists(mine).Should().BeFalse();
        File.ReadAllText(Path.Combine(victim, "precious.txt")).Should().Be("keep", "a link inside goes as a link");
        Directory.Exists(unmarked).Should().BeTrue();
    }

    [Fact]
    public void Exclusive_creation_never_reuses_an_entry_a_link_included()
    {
        var elsewhere = Path.Combine(temp.Path, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        var planted = Path.Combine(temp.Path, ".xor.staging-1");
        Directory.CreateSymbolicLink(planted, elsewhere);
        var error = FluentActions.Invoking(() => SafeFiles.CreateFolderNew(planted)).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().Contain(planted).And.Contain("symbolic link").And.NotContain("\n");
        var linkFile = Path.Combine(temp.Path, "marker");
        File.CreateSymbolicLink(linkFile, Path.Combine(elsewhere, "target"));
        FluentActions.Invoking(() => SafeFiles.CreateFileNew(linkFile, "x")).Should().Throw<IOException>();
        File.Exists(Path.Combine(elsewhere, "target")).Should().BeFalse();
        SafeFiles.CreateFolderNew(Path.Combine(temp.Path, "fresh"));
        Directory.Exists(Path.Combine(temp.Path, "fresh")).Should().BeTrue();
    }
}
