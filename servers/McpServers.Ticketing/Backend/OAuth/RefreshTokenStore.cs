using McpServers.Ticketing.Options;

namespace McpServers.Ticketing.Backend.OAuth;

/// <summary>
/// The refresh token on disk, readable and writable only by the user (0600, folder 0700 on Unix). It is replaced
/// atomically (write a new file, then rename), so a crash never leaves half a token.
/// </summary>
public sealed class RefreshTokenStore(OAuthSettings settings)
{
    public string Path => settings.TokenFile;

    public string? Read() => File.Exists(Path) ? File.ReadAllText(Path).Trim() is { Length: > 0 } token ? token : null : null;

    public void Write(string refreshToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string temporary = Path + ".new";
        File.Delete(temporary);
        var mode = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            mode.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, mode))
        {
            writer.Write(refreshToken);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
