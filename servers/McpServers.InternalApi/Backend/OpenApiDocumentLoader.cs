using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Reads the OpenAPI document (JSON; YAML needs Microsoft.OpenApi.YamlReader, which this build does not ship) and
/// reports an unparseable one with the location of each problem.
/// </summary>
public static class OpenApiDocumentLoader
{
    public static OpenApiDocument Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimStart();
        if (trimmed.Length > 0 && trimmed[0] != '{')
        {
            throw new ConfigurationException(
                $"Document '{source}': only JSON OpenAPI documents are supported by this build (YAML is not); convert it to JSON.");
        }

        ReadResult result;
        try
        {
            result = OpenApiDocument.Parse(text, OpenApiConstants.Json, new OpenApiReaderSettings());
        }
        catch (Exception e) when (e is OpenApiException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new ConfigurationException($"Document '{source}' cannot be read: {e.Message}");
        }

        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            IEnumerable<string> errors = result.Diagnostic?.Errors.Select(e => $"{e.Message} (at {e.Pointer ?? "#"})") ?? ["no document"];
            throw new ConfigurationException($"Document '{source}' is not a valid OpenAPI document: {string.Join("; ", errors.Take(10))}");
        }

        return result.Document;
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
            return Parse(await response.ReadTextAsync(cancellationToken), uri.AbsolutePath);
        }

        string path = Path.GetFullPath(location);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"Document: the file '{location}' does not exist.");
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken), Path.GetFileName(path));
    }
}
