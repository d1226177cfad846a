namespace McpServers.Shared.Errors;

/// <summary>The fixed set of backend failures a model is told about. Each maps to one safe message.</summary>
public enum BackendErrorKind
{
    NotFound,
    Forbidden,
    Unauthorized,
    Conflict,
    RateLimited,
    Unavailable,
    TimedOut,
    TooExpensive,
    Invalid,
}
