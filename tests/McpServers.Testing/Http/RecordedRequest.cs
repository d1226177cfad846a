namespace McpServers.Testing.Http;

/// <summary>One request as the loopback server received it, recorded before any route handler ran.</summary>
/// <param name="Headers">Header names are case-insensitive; repeated headers are joined with ", ".</param>
/// <param name="ReceivedAt">When the request headers arrived, for asserting gaps between attempts.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string RawQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt,
    string? ClientCertificateSubject)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
