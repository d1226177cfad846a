using System.Text.Json;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Credentials;

/// <summary>
/// The sign-in in one file readable and writable only by the user (0600, folder 0700 on Unix; on Windows the file
/// inherits the user's profile folder ACL, which is user-only by default). It is replaced atomically (a new file,
/// then a rename), so a crash never leaves half a token. A file holding only a token (as older versions wrote it) is
/// read as that refresh token. The lock is a sibling <c>.lock</c> file held open exclusively (an OS file lock, released
/// by the OS if the process dies).
/// </summary>
public sealed class FileRefreshTokenStore(string path, TimeProvider time) : IRefreshTokenStore
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(50);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Describe(SignInKey key) => Path;

    public async Task<StoredSignIn?> ReadAsync(SignInKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!File.Exists(Path))
        {
            return null;
        }

        string text = (await File.ReadAllTextAsync(Path, cancellationToken)).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (!text.StartsWith('{'))
        {
            return new StoredSignIn { Backend = key.Backend, Principal = key.Principal, RefreshToken = text };
        }

        StoredSignIn? stored;
        try
        {
            stored = JsonSerializer.Deserialize(text, CredentialsJsonContext.Default.StoredSignIn);
        }
        catch (JsonException)
        {
            return null;
        }

        // Another backend's or another person's sign-in is not this one's.
        return stored is { RefreshToken.Length: > 0 }
            && (stored.Backend is null || stored.Backend == key.Backend) && (stored.Principal is null || stored.Principal == key.Principal)
            ? stored
            : null;
    }

    public async Task WriteAsync(SignInKey key, StoredSignIn signIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signIn);
        CreateFolder();
        string temporary = Path + ".new";
        File.Delete(temporary);
        var mode = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            mode.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, mode))
        {
            await JsonSerializer.SerializeAsync(stream, signIn with { Backend = key.Backend, Principal = key.Principal },
                CredentialsJsonContext.Default.StoredSignIn, cancellationToken);
            // On disk before the rename, so a power loss cannot leave an empty sign-in in place of the old one.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    public Task<bool> DeleteAsync(SignInKey key, CancellationToken cancellationToken)
    {
        bool existed = File.Exists(Path);
        File.Delete(Path);
        return Task.FromResult(existed);
    }

    public async Task<IAsyncDisposable> LockAsync(SignInKey key, CancellationToken cancellationToken)
    {
        CreateFolder();
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        long started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (time.GetElapsedTime(started) < LockWait)
            {
                // Another session is rotating the refresh token right now; it takes one round trip.
                await Task.Delay(LockPoll, cancellationToken);
            }
            catch (IOException e)
            {
                throw new BackendException(BackendErrorKind.Unavailable,
                    $"Another session has held the sign-in for {LockWait.TotalSeconds:0} s; try again in a moment.", e);
            }
        }
    }

    private void CreateFolder()
    {
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
