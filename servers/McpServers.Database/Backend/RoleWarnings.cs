using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging;

namespace McpServers.Database.Backend;

/// <summary>
/// A server backend's privilege check: run once, on first use; each warning is logged and told to the callback once
/// (the server puts them in the audit trail); RequireReadOnlyRole turns them into a refusal.
/// </summary>
/// <param name="account">What the backend calls the account it connects as ("role", "user").</param>
internal sealed class RoleWarnings(ILogger logger, Action<string>? onWarning, string account) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<string>? _warnings;

    public async Task<IReadOnlyList<string>> GetAsync(Func<CancellationToken, Task<IReadOnlyList<string>>> load, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_warnings is not null)
            {
                return _warnings;
            }

            _warnings = await load(cancellationToken);
            foreach (string warning in _warnings)
            {
                Log.PrivilegeWarning(logger, warning);
                onWarning?.Invoke(warning);
            }

            return _warnings;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Throws when <paramref name="requireReadOnly"/> is set and the check found a way to write.</summary>
    public async Task EnsureAllowedAsync(Func<CancellationToken, Task<IReadOnlyList<string>>> load, bool requireReadOnly, CancellationToken cancellationToken)
    {
        if ((await GetAsync(load, cancellationToken)).Count > 0 && requireReadOnly)
        {
            throw new BackendException(BackendErrorKind.Forbidden,
                $"This server is configured to require a read-only database {account} (RequireReadOnlyRole=true), and its {account} can write. An administrator must connect it with a SELECT-only {account}.");
        }
    }

    public void Dispose() => _lock.Dispose();
}
