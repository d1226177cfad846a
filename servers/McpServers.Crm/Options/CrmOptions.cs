namespace McpServers.Crm.Options;

/// <summary>Which CRM this server instance talks to: one provider per instance, same tool names and shapes for both.</summary>
public enum CrmProvider
{
    Salesforce,
    HubSpot,
}

/// <summary>
/// The provider-neutral settings of mcp-crm, under <c>Crm:</c> (environment <c>MCP_CRM__Crm__Provider</c>). Each provider
/// has its own section for its address, credentials and allowlists (<c>Salesforce:</c>, <c>HubSpot:</c>).
/// </summary>
public sealed record CrmOptions
{
    public const string EnvironmentPrefix = "MCP_CRM__";
    public const string Section = "Crm";

    /// <summary>Required: no default, so that a server never talks to a CRM nobody chose.</summary>
    public CrmProvider? Provider { get; set; }

    /// <summary>Records per search page when the model does not ask.</summary>
    public int DefaultMaxResults { get; set; } = 25;

    /// <summary>Records per search page the model can never exceed.</summary>
    public int MaxResults { get; set; } = 200;

    /// <summary>Descriptions, notes and activity bodies are cut above this length.</summary>
    public int MaxTextChars { get; set; } = 4000;

    /// <summary>First month of the fiscal year (1 = calendar quarters); unset: the CRM's own setting where it has one, else 1.</summary>
    public int? FiscalYearStartMonth { get; set; }

    /// <summary>IANA time zone for periods and dates; unset: the operating system's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Past this share of the daily API limit, results and the audit line carry a warning.</summary>
    public double WarnAtUsageShare { get; set; } = 0.8;

    /// <summary>Past this share, searches, rankings and writes are refused; single-record reads and describe still work.</summary>
    public double RefuseAtUsageShare { get; set; } = 0.95;

    /// <summary>HubSpot rankings sum deals here: at most this many deals are read per ranking (the result says when the cap was hit).</summary>
    public int MaxRankingScan { get; set; } = 2000;
}
