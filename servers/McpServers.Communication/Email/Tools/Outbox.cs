using McpServers.Shared.Errors;

namespace McpServers.Communication.Email.Tools;

/// <summary>A file from the outbox folder that may be attached.</summary>
public sealed record OutboxFile(string Name, string FullPath, long SizeBytes);

/// <summary>
/// Attachments come only from <c>Email:OutboxFolder</c>: a relative name that, resolved, stays inside it, with no
/// symbolic link on the way (a link could point anywhere on the machine), a regular file, under
/// <c>Email:MaxAttachmentBytes</c> in total.
/// </summary>
public static class Outbox
{
    public static IReadOnlyList<OutboxFile> Resolve(EmailOptions options, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (names is null || names.Count == 0)
        {
            return [];
        }

        if (options.OutboxFolder is null)
        {
            throw new ToolInputException("`attachments` cannot be used: no outbox folder is configured (an administrator sets Email:OutboxFolder).");
        }

        if (names.Count > EmailTooling.MaxAttachments)
        {
            throw new ToolInputException($"`attachments` may name at most {EmailTooling.MaxAttachments} files.");
        }

        DirectoryInfo rootInfo = new(Path.GetFullPath(options.OutboxFolder));
        string root = Path.TrimEndingDirectorySeparator(rootInfo.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? rootInfo.FullName);
        var files = new List<OutboxFile>();
        long total = 0;
        for (int i = 0; i < names.Count; i++)
        {
            OutboxFile file = One(root, names[i], $"attachments[{i}]");
            total += file.SizeBytes;
            if (total > options.MaxAttachmentBytes)
            {
                throw new ToolInputException($"The attachments are larger than Email:MaxAttachmentBytes ({options.MaxAttachmentBytes} bytes) in total.");
            }

            files.Add(file);
        }

        return files;
    }

    private static OutboxFile One(string root, string name, string parameter)
    {
        if (string.IsNullOrWhiteSpace(name) || Path.IsPathRooted(name) || name.Any(char.IsControl))
        {
            throw new ToolInputException($"`{parameter}` must be a file name relative to the outbox folder.");
        }

        string full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ToolInputException($"`{parameter}` must stay inside the outbox folder.");
        }

        for (string? path = full; path is not null && path.Length > root.Length; path = Path.GetDirectoryName(path))
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                throw new ToolInputException($"`{parameter}` goes through a symbolic link, which attachments never follow.");
            }
        }

        var file = new FileInfo(full);
        if (!file.Exists || (file.Attributes & (FileAttributes.Directory | FileAttributes.Device)) != 0)
        {
            throw new ToolInputException($"`{parameter}`: there is no file '{Path.GetFileName(full)}' in the outbox folder.");
        }

        return new OutboxFile(Path.GetFileName(full), full, file.Length);
    }
}
