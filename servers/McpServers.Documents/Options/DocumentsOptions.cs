namespace McpServers.Documents.Options;

/// <summary>
/// The source-neutral settings of mcp-documents, under <c>Documents:</c> (environment <c>MCP_DOCUMENTS__Documents__MaxResults</c>).
/// Each source has its own section for its allowlist and credentials (<c>Local:</c>, <c>Confluence:</c>, <c>SharePoint:</c>).
/// </summary>
public sealed record DocumentsOptions
{
    public const string EnvironmentPrefix = "MCP_DOCUMENTS__";
    public const string Section = "Documents";

    /// <summary>Hits or entries per page when the model does not ask.</summary>
    public int DefaultMaxResults { get; set; } = 10;

    /// <summary>Hits or entries per page the model can never exceed.</summary>
    public int MaxResults { get; set; } = 50;

    /// <summary>Characters docs_get returns per call (the model pages on by offset).</summary>
    public int MaxCharsPerCall { get; set; } = 20_000;

    /// <summary>Characters extracted from one document at most.</summary>
    public int MaxDocumentChars { get; set; } = 1_000_000;

    /// <summary>Files larger than this are not read (nor indexed).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>PDF pages and slides read from one file at most.</summary>
    public int MaxPages { get; set; } = 500;

    /// <summary>An OOXML (docx/xlsx/pptx) zip entry larger than this when unpacked is refused (decompression bombs).</summary>
    public long MaxZipEntryBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>IANA time zone for dates shown and modified-date filters; unset: the operating system's.</summary>
    public string? TimeZone { get; set; }

    /// <summary><c>--demo</c>: serve the sample policy documents packed with the tool (sets <c>Local:Roots</c>).</summary>
    public bool Demo { get; set; }

    /// <summary>The zone of <see cref="TimeZone"/> (validated at start), or the operating system's.</summary>
    public TimeZoneInfo Zone() => string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
