using System.Text.Json.Serialization;

namespace McpServers.Shared.Credentials;

/// <summary>RFC 6749 §5.1 token response.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("scope")] string? Scope);

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
