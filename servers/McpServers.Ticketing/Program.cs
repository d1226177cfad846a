using McpServers.Shared.Hosting;
using McpServers.Ticketing;

var builder = McpServerHost.CreateBuilder(args, TicketingServer.Identity);
builder.Services.AddTicketingServer(builder.Configuration);
return await builder.RunAsync();
