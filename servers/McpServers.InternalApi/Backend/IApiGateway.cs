using System.Text.Json;

namespace McpServers.InternalApi.Backend;

/// <summary>The only code that talks to the internal service.</summary>
public interface IApiGateway
{
    Task<ApiResponse> CallAsync(ApiOperation operation, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken);
}

/// <summary>A successful response, its body read up to the byte cap.</summary>
/// <param name="Body">At most the cap's worth of bytes.</param>
/// <param name="Truncated">True when the body was longer than the cap.</param>
/// <param name="TotalBytes">The full length when known (Content-Length), else null.</param>
public sealed record ApiResponse(int Status, string? ContentType, byte[] Body, bool Truncated, long? TotalBytes);
