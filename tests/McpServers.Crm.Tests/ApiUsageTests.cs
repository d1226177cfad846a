using McpServers.Crm.Backend;

namespace McpServers.Crm.Tests;

public sealed class ApiUsageTests
{
    [Theory]
    [InlineData(0, 15000, 0.0)]
    [InlineData(12000, 15000, 0.8)]
    [InlineData(5, 0, 0.0)]
    public void Share_IsUsedOverLimit_AndZeroWithoutALimit(long used, long limit, double share) =>
        Assert.Equal(share, new ApiUsage(used, limit).Share, 6);
}
