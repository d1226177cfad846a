using McpServers.Communication;
using McpServers.Shared.Hosting;

var builder = McpServerHost.CreateBuilder(args, CommunicationServer.Identity);
builder.Services.AddCommunicationServer(builder.Configuration);
return await builder.RunAsync();
