using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace GcsMedia.Emulator;

/// <summary>Ways of ending a connection without a (complete) response.</summary>
internal static class ConnectionTermination
{
    /// <summary>Sends a TCP RST: zero-timeout linger, then close, so no FIN and no response reach the client.</summary>
    public static void Reset(HttpContext ctx)
    {
        var socket = ctx.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is not null)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException) { }
            catch (SocketException) { }
        }
        ctx.Abort();
    }

    /// <summary>Flushes what was written so far, then closes the connection mid-body with a FIN, so the client
    /// reads the headers and the partial body before it sees the stream end early.</summary>
    public static async Task BreakAsync(HttpContext ctx, Stream flushTarget)
    {
        try
        {
            await flushTarget.FlushAsync().ConfigureAwait(false);
            await Task.Delay(50).ConfigureAwait(false);
            ctx.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(SocketShutdown.Send);
            await Task.Delay(20).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
        ctx.Abort();
    }
}
