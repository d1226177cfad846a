using System.Net;

namespace McpServers.Shared.Http;

/// <summary>
/// The diagnostic detail of a refused redirect, carried as the inner exception of the <see cref="Errors.BackendException"/>
/// the model sees (whose message never names the target). <c>--check</c>, the audit line and the stderr log can read
/// <see cref="Target"/> to tell an administrator where the service pointed.
/// </summary>
public sealed class BackendRedirectException : Exception
{
    public BackendRedirectException(HttpStatusCode status, string target)
        : base($"The backend answered HTTP {(int)status} with a redirect to {target}; redirects are not followed.")
    {
        Status = status;
        Target = target;
    }

    public BackendRedirectException() : this(HttpStatusCode.Found, "(unknown)") { }

    public BackendRedirectException(string message) : base(message) => Target = "(unknown)";

    public BackendRedirectException(string message, Exception innerException) : base(message, innerException) => Target = "(unknown)";

    public HttpStatusCode Status { get; }

    /// <summary>The target's scheme, host, port and path (never its query, which can hold a signature), or a placeholder.</summary>
    public string Target { get; }
}
