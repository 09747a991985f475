#nullable enable
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

/// <summary>What is at a path, told without following a link.</summary>
public enum EntryKind { Missing, File, Folder, Link, Fifo, Device, Socket, Other }

/// <summary>
/// Touching only what is what it seems: reading only regular files (the type checked before the open, the open
/// non-blocking and without following a link, the type and identity checked again on the open handle, so a FIFO,
/// device, socket or a swap for a link is refused and never blocks) with a byte cap before anything is allocated;
/// creating files and folders exclusively (an existing entry is never reused); deleting only a marked folder inside
/// the folder that owns it, never through a link.
/// </summary>
public static class SafeFiles
{
    const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000, StatxBasic = 0x7ff;
    const int ORdOnly = 0, ONonBlock = 0x800, ONoFollow = 0x20000, OCloExec = 0x80000;

    [DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    static extern int Statx(int dirfd, string path, int flags, int mask, byte[] buffer);

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    static extern int Open(string path, int flags);

    [DllImport("libc", SetLastError = true, EntryPoint = "mkdir")]
    static extern int MakeFolder(string path, int mode);

    // struct statx's layout is the same on every Linux architecture: stx_mode (u16) at 28, stx_ino at 32, stx_size at
    // 40, stx_dev_major/minor at 136/140.
    readonly record struct Status(EntryKind Kind, ulong Inode, long Size, ulong Device);

    static Status? StatusOf(int dirfd, string path, int flags)
    {
        var buffer = new byte[256];
        if (Statx(dirfd, path, flags, StatxBasic, buffer) != 0) return null;
        var mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        var kind = mode switch
        {
            0x8000 => EntryKind.File,
            0x4000 => EntryKind.Folder,
            0xA000 => EntryKind.Link,
            0x1000 => EntryKind.Fifo,
            0x2000 or 0x6000 => EntryKind.Device,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
        var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        return new Status(kind, BitConverter.ToUInt64(buffer, 32), (long)BitConverter.ToUInt64(buffer, 40), device);
    }

    /// <summary>
    /// What tells the contents of the open file <paramref name="stream"/> apart without reading it:
    /// <c>device:inode:size:mtime:ctime</c> (times in nanoseconds). The change time moves on every write and no user
    /// call sets it back, so a file whose bytes changed gets another stamp even with its size and mtime restored.
    /// Null off Linux or when the file system does not report all five.
    /// </summary>
    public static string? StampOf(FileStream stream)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        if (Statx((int)stream.SafeFileHandle.DangerousGetHandle(), "", AtEmptyPath, StatxBasic, buffer) != 0) return null;
        const uint needed = 0x40 | 0x80 | 0x100 | 0x200; // STATX_MTIME, STATX_CTIME, STATX_INO, STATX_SIZE
        if ((BitConverter.ToUInt32(buffer, 0) & needed) != needed) return null;
        // struct statx_timestamp: tv_sec (s64) then tv_nsec (u32); stx_ctime at 96, stx_mtime at 112.
        long Nanoseconds(int at) => BitConverter.ToInt64(buffer, at) * 1_000_000_000 + BitConverter.ToUInt32(buffer, at + 8);
        var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        return $"{device}:{BitConverter.ToUInt64(buffer, 32)}:{BitConverter.ToUInt64(buffer, 40)}:{Nanoseconds(112)}:{Nanoseconds(96)}";
    }

    /// <summary>What is at <paramref name="path"/> itself (a link is <see cref="EntryKind.Link"/>, not its target).</summary>
    public static EntryKind KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null) return EntryKind.Link;
            return Directory.Exists(path) ? EntryKind.Folder : info.Exists ? EntryKind.File : EntryKind.Missing;
        }
        return StatusOf(AtFdCwd, path, AtSymlinkNoFollow)?.Kind ?? EntryKind.Missing;
    }

    /// <summary>True when <paramref name="path"/> is a symbolic link (dangling or not).</summary>
    public static bool IsLink(string path) => KindOf(path) == EntryKind.Link;

    static string Words(EntryKind kind) => kind switch
    {
        EntryKind.Missing => "no such file",
        EntryKind.Folder => "it is a folder, not a file",
        EntryKind.Link => "it is a symbolic link (give the file it points to)",
        EntryKind.Fifo => "it is a named pipe (FIFO), not a regular file",
        EntryKind.Device => "it is a device, not a regular file",
        EntryKind.Socket => "it is a socket, not a regular file",
        _ => "it is not a regular file",
    };

    /// <summary>
    /// Opens <paramref name="path"/> for reading when it is a regular file of at most <paramref name="cap"/> bytes;
    /// else a one-line <see cref="Ch13Exception"/> (exit 1) naming it as <paramref name="what"/>. Never blocks on a FIFO.
    /// </summary>
    public static FileStream OpenRead(string path, string what, long cap)
    {
        var before = OperatingSystem.IsLinux() ? StatusOf(AtFdCwd, path, AtSymlinkNoFollow) : null;
        var kind = OperatingSystem.IsLinux() ? before?.Kind ?? EntryKind.Missing : KindOf(path);
        if (kind != EntryKind.File) throw Refused(path, what, Words(kind));
        if (!OperatingSystem.IsLinux()) return Capped(File.OpenRead(path), path, what, cap);
        var fd = Open(path, ORdOnly | ONonBlock | ONoFollow | OCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw Refused(path, what, errno switch
            {
                FileErrors.EACCES or FileErrors.EPERM => "permission denied (make it readable: chmod u+r)",
                40 => Words(EntryKind.Link), // ELOOP: it became a link between the check and the open
                _ => $"cannot open it (errno {errno})",
            });
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var after = StatusOf(fd, "", AtEmptyPath);
        if (after is not { Kind: EntryKind.File } now || now.Inode != before!.Value.Inode || now.Device != before.Value.Device)
        {
            handle.Dispose();
            throw Refused(path, what, "it changed while being opened (replaced by something that is not the same regular file)");
        }
        return Capped(new FileStream(handle, FileAccess.Read, 1 << 16), path, what, cap);
    }

    static FileStream Capped(FileStream stream, string path, string what, long cap)
    {
        if (stream.Length <= cap) return stream;
        var size = stream.Length;
        stream.Dispose();
        throw Refused(path, what, $"it is {size:N0} bytes, more than the {cap:N0} this reads");
    }

    /// <summary>The bytes of regular file <paramref name="path"/>, refused (one line) when larger than <paramref name="cap"/>.</summary>
    public static byte[] ReadAllBytes(string path, string what, long cap)
    {
        using var stream = OpenRead(path, what, cap);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The UTF-8 text of regular file <paramref name="path"/>, refused (one line) when larger than <paramref name="cap"/> bytes.</summary>
    public static string ReadAllText(string path, string what, long cap) => Encoding.UTF8.GetString(ReadAllBytes(path, what, cap));

    /// <summary>Refuses (one line) anything at <paramref name="path"/> but a regular file: for readers that take a path.</summary>
    public static void CheckRegular(string path, string what)
    {
        var kind = KindOf(path);
        if (kind != EntryKind.File) throw Refused(path, what, Words(kind));
    }

    static Ch13Exception Refused(string path, string what, string problem) => new($"{what} {path}: {problem}.");

    /// <summary>
    /// Creates folder <paramref name="path"/> (its parent must exist) and fails when anything, a link included, is
    /// already there: an existing entry is never reused. One line naming it on failure.
    /// </summary>
    public static void CreateFolderNew(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            if (MakeFolder(path, Convert.ToInt32("777", 8)) == 0) return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == FileErrors.EEXIST)
                throw new Ch13Exception($"cannot create {path}: {(IsLink(path) ? "a symbolic link" : "something")} is already there and is not this run's; remove it or choose another --out DIR.");
            throw FileErrors.Writing(path, new IOException($"mkdir failed (errno {errno})", errno), isFolder: true);
        }
        if (Directory.Exists(path) || File.Exists(path)) throw new Ch13Exception($"cannot create {path}: something is already there; remove it or choose another --out DIR.");
        Directory.CreateDirectory(path);
    }

    /// <summary>Creates file <paramref name="path"/> exclusively (O_CREAT|O_EXCL: an existing file or link there fails) with <paramref name="text"/>.</summary>
    public static void CreateFileNew(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
    }

    /// <summary>
    /// Deletes folder <paramref name="target"/> and what it holds, only when it is a real folder (not a link) strictly
    /// inside <paramref name="owner"/> with no link on the way, and holds <paramref name="marker"/> (when given). Links
    /// inside are removed as links, never followed. Returns false (nothing touched) when any of that does not hold.
    /// </summary>
    public static bool DeleteOwnedFolder(string target, string owner, string? marker)
    {
        if (!SafePaths.IsInside(target, owner) || KindOf(target) != EntryKind.Folder) return false;
        if (marker is not null && KindOf(Path.Combine(target, marker)) != EntryKind.File) return false;
        Directory.Delete(target, recursive: true); // .NET removes a link inside as a link (it does not recurse into it)
        return true;
    }
}
