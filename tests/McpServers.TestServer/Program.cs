using McpServers.Shared.Hosting;
using McpServers.TestServer;

var builder = McpServerHost.CreateBuilder(args, TestServer.Identity);
builder.Services.AddTestServer(builder.Configuration);
return await builder.RunAsync();
