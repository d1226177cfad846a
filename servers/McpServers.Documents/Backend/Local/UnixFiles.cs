using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace McpServers.Documents.Backend.Local;

/// <summary>What a path is once its links are followed.</summary>
internal enum EntryKind
{
    Missing,
    File,
    Directory,

    /// <summary>A device, FIFO or socket: never opened (opening a FIFO blocks; devices are not documents).</summary>
    Other,
}

/// <summary>
/// The two file-system facts .NET does not expose: the real path (every link followed, like <c>realpath(3)</c>) and the
/// entry's type and device (<c>statx(2)</c>: FIFOs and devices look like plain files to <see cref="FileInfo"/>, and the
/// device tells another mount point). On Linux through libc; elsewhere a managed approximation (the final link
/// resolved; types as .NET sees them; no device check), documented in the README.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    // struct statx has one layout on every Linux architecture: stx_uid (u32) at 20, stx_mode (u16) at 28, stx_dev_major/minor (u32) at 136/140.
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>The canonical absolute path with every link followed, or null when it does not exist (or a link loops).</summary>
    public static string? RealPath(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            nint resolved = NativeMethods.realpath(path, 0);
            if (resolved == 0)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8(resolved);
            }
            finally
            {
                NativeMethods.free(resolved);
            }
        }

        try
        {
            string full = Path.GetFullPath(path);
            FileSystemInfo info = System.IO.Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            return !info.Exists ? null : info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The type of <paramref name="path"/> (links followed) and its device (0 where unknown).</summary>
    public static EntryKind Kind(string path, out ulong device)
    {
        device = 0;
        if (OperatingSystem.IsLinux())
        {
            byte[] buffer = new byte[StatxSize];
            if (NativeMethods.statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
            {
                return EntryKind.Missing;
            }

            // The kernel writes native byte order.
            int mode = (BitConverter.IsLittleEndian
                ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset))
                : BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ModeOffset))) & TypeMask;

            device = ((ulong)ReadUInt32(buffer, DevMajorOffset) << 32) | ReadUInt32(buffer, DevMinorOffset);
            return mode switch
            {
                RegularFile => EntryKind.File,
                Directory => EntryKind.Directory,
                _ => EntryKind.Other,
            };
        }

        return System.IO.Directory.Exists(path) ? EntryKind.Directory : File.Exists(path) ? EntryKind.File : EntryKind.Missing;
    }

    /// <summary>
    /// Whether <paramref name="path"/> itself (a link is not followed) is a directory owned by this process's user.
    /// Off Linux the owner is not known: there it only has to be a directory that is not a link.
    /// </summary>
    public static bool IsOwnDirectory(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            byte[] buffer = new byte[StatxSize];
            if (NativeMethods.statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            {
                return false;
            }

            int mode = (BitConverter.IsLittleEndian
                ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset))
                : BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ModeOffset))) & TypeMask;
            return mode == Directory && ReadUInt32(buffer, UidOffset) == NativeMethods.geteuid();
        }

        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    /// <summary>A name for this process's user that tells users apart: the effective uid on Linux, the user name elsewhere.</summary>
    public static string UserKey() => OperatingSystem.IsLinux()
        ? NativeMethods.geteuid().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Concat(Environment.UserName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    private static uint ReadUInt32(byte[] buffer, int offset) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset))
        : BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset));

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint resolved);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void free(nint pointer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern uint geteuid();
    }
}
