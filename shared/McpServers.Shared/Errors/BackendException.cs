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

    // The standard exception constructors: the message is for the diagnostic log only, like every Message here.
    public BackendException(string message) : base(message) => Kind = BackendErrorKind.Unavailable;

    public BackendException(string message, Exception innerException) : base(message, innerException) => Kind = BackendErrorKind.Unavailable;

    public BackendErrorKind Kind { get; }

    /// <summary>Text written by our code that is safe to show the model (no hosts, SQL, bodies or secrets).</summary>
    public string? SafeMessage { get; }

    public TimeSpan? RetryAfter { get; }
}
