namespace McpServers.Shared.Errors;

/// <summary>
/// A failure of the backend system. The model sees only <see cref="SafeMessage"/> (written by our code, never
/// copied from the backend) plus a retry hint; <see cref="Exception.Message"/> and the inner exception go to the
/// diagnostic log only.
/// </summary>
public sealed class BackendException : Exception
{
    public BackendException(BackendErrorKind kind, string? safeMessage = null, Exception? innerException = null,
        TimeSpan? retryAfter = null)
        : base($"Backend error: {kind}", innerException)
    {
        Kind = kind;
        SafeMessage = safeMessage;
        RetryAfter = retryAfter;
    }

    public BackendException() : this(BackendErrorKind.Unavailable) { }

    public BackendException(string message) : this(BackendErrorKind.Unavailable, null, new InvalidOperationException(message)) { }

    public BackendException(string message, Exception innerException) : this(BackendErrorKind.Unavailable, null, innerException)
    {
        _ = message;
    }

    public BackendErrorKind Kind { get; }

    /// <summary>Text written by our code that is safe to show the model (no hosts, SQL, bodies or secrets).</summary>
    public string? SafeMessage { get; }

    public TimeSpan? RetryAfter { get; }
}
