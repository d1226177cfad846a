using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpServers.Shared.Credentials;

/// <summary>RFC 6749 §5.1 token response.</summary>
internal sealed record TokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; init; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    /// <summary>The provider's further fields (RFC 6749 §5.1 allows them); only those a server names are kept (<see cref="OAuthTokenClient"/>).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The kept further fields of this response, filled in by <see cref="OAuthTokenClient"/>.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string>? Kept { get; init; }
}

/// <summary>RFC 8628 §3.2 device authorization response.</summary>
internal sealed record DeviceAuthorizationResponse(
    [property: JsonPropertyName("device_code")] string? DeviceCode,
    [property: JsonPropertyName("user_code")] string? UserCode,
    [property: JsonPropertyName("verification_uri")] string? VerificationUri,
    [property: JsonPropertyName("verification_uri_complete")] string? VerificationUriComplete,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("interval")] long? Interval);

/// <summary>RFC 6749 §5.2 error response: only the code is read, never the free-text description.</summary>
internal sealed record OAuthErrorBody([property: JsonPropertyName("error")] string? Error);

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DeviceAuthorizationResponse))]
[JsonSerializable(typeof(OAuthErrorBody))]
[JsonSerializable(typeof(StoredSignIn))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext;
