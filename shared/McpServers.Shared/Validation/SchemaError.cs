namespace McpServers.Shared.Validation;

/// <summary>
/// One failed rule. <see cref="Path"/> names the parameter ("period", "filters[2].op"; empty for the whole value),
/// <see cref="Keyword"/> the JSON Schema keyword that failed, and <see cref="Message"/> says in plain words what to fix.
/// </summary>
public sealed record SchemaError(string Path, string Keyword, string Message);
