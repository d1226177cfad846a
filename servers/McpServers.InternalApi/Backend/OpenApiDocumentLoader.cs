using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Reads the OpenAPI document, JSON or YAML, and reports an unparseable one with the location of each problem.
/// </summary>
public static class OpenApiDocumentLoader
{
    // RFC 9512's application/yaml, the older spellings still served, and the OpenAPI Initiative's registered
    // application/vnd.oai.openapi (YAML; its JSON form is application/vnd.oai.openapi+json).
    private static readonly HashSet<string> YamlMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/vnd.oai.openapi",
    };

    /// <param name="text">The document.</param>
    /// <param name="source">Its file name or URL path, for messages; a <c>.yaml</c>/<c>.yml</c> name means YAML.</param>
    /// <param name="mediaType">The media type a URL answered with, if any; a YAML type means YAML.</param>
    public static OpenApiDocument Parse(string text, string source, string? mediaType = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        string format = FormatOf(text, source, mediaType);
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        ReadResult result;
        try
        {
            result = OpenApiDocument.Parse(text, format, settings);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A parser of untrusted text fails in many ways: whichever, the message names the setting and the
            // reason, never a stack trace (the inner exception goes to the diagnostic log only).
            throw new ConfigurationException($"Document '{source}' cannot be read as {format.ToUpperInvariant()}: {e.Message}", e);
        }

        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            IEnumerable<string> errors = result.Diagnostic?.Errors.Select(e => $"{e.Message} (at {e.Pointer ?? "#"})") ?? ["no document"];
            throw new ConfigurationException($"Document '{source}' is not a valid OpenAPI document: {string.Join("; ", errors.Take(10))}");
        }

        return result.Document;
    }

    /// <summary>
    /// YAML when the source says so (a YAML media type, or a <c>.yaml</c>/<c>.yml</c> name); otherwise by content:
    /// JSON starts with <c>{</c>, anything else is read as YAML. (JSON is YAML too, but the JSON reader points at
    /// problems more precisely.)
    /// </summary>
    public static string FormatOf(string text, string source, string? mediaType)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        bool declaredYaml = (mediaType is not null && (YamlMediaTypes.Contains(mediaType) || mediaType.EndsWith("+yaml", StringComparison.OrdinalIgnoreCase)))
            || Path.GetExtension(source).ToLowerInvariant() is ".yaml" or ".yml";
        return !declaredYaml && text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? OpenApiConstants.Json : OpenApiConstants.Yaml;
    }

    /// <summary>
    /// Reads a file, or fetches a URL (the options validator has already pinned it to the base URL's host) with the
    /// service's own credentials.
    /// </summary>
    public static async Task<OpenApiDocument> LoadAsync(string location, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(http);
        if (Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https")
        {
            // The shared send path: a redirect off the document's origin is refused (tools would be built from
            // another host's document, and the credentials sent there) and the document is capped in size and time.
            // A failure is a BackendException whose safe message names no host.
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Options.Set(BackendHttp.BaseAddress, new Uri(uri, "./"));
            using HttpResponseMessage response = await http.SendToBackendAsync(request, "The OpenAPI document server",
                (failed, _) => Task.FromResult<Exception?>(new ConfigurationException($"Document: fetching {uri.AbsolutePath} answered HTTP {(int)failed.StatusCode}.")),
                cancellationToken);
            return Parse(await response.ReadTextAsync(cancellationToken), uri.AbsolutePath, response.Content.Headers.ContentType?.MediaType);
        }

        string path = Path.GetFullPath(location);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"Document: the file '{location}' does not exist.");
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken), Path.GetFileName(path));
    }
}
