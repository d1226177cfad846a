using System.Text.Json;

namespace McpServers.InternalApi.Backend;

/// <summary>One selected OpenAPI operation, ready to serve as a tool: what the model sees and how to call it.</summary>
public sealed record ApiOperation
{
    public required string ToolName { get; init; }

    public string? OperationId { get; init; }

    public required HttpMethod Method { get; init; }

    /// <summary>The path template from the document, e.g. <c>/items/{id}</c>, relative to the base URL.</summary>
    public required string PathTemplate { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<ApiParameter> Parameters { get; init; }

    /// <summary>The JSON request body, passed as the <c>body</c> argument; null when the operation takes none.</summary>
    public ApiBody? Body { get; init; }

    /// <summary>The exact input schema advertised and enforced.</summary>
    public required JsonElement InputSchema { get; init; }

    public required bool ReadOnly { get; init; }

    public required bool Destructive { get; init; }

    public required bool Idempotent { get; init; }

    /// <summary>False when the operation's own <c>security</c> is empty (<c>security: []</c>): no credentials are sent.</summary>
    public bool SendCredentials { get; init; } = true;

    /// <summary>"GET /items/{id}" for messages and logs.</summary>
    public string Display => $"{Method.Method} {PathTemplate}";
}

public enum ParameterIn
{
    Path,
    Query,
    Header,
}

/// <summary>A declared path, query or header parameter and how it is serialised.</summary>
public sealed record ApiParameter(string Name, ParameterIn In, bool Required, QueryStyle Style, bool Explode)
{
    /// <summary>
    /// A path parameter whose value may span several segments (<c>a/b/c</c>), by an administrator's override
    /// (<c>Operations:&lt;operationId&gt;:MultiSegmentPathParameters</c>); otherwise a path value is one segment.
    /// </summary>
    public bool MultiSegment { get; init; }
}

/// <summary>How an array query parameter is written (OpenAPI <c>style</c>).</summary>
public enum QueryStyle
{
    Form,
    SpaceDelimited,
    PipeDelimited,
}

public sealed record ApiBody(bool Required, string ContentType);
