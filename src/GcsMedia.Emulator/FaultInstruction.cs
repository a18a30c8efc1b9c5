using System.Globalization;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator;

internal enum FaultKind
{
    /// <summary>return-NNN</summary>
    ReturnStatus,
    /// <summary>return-reset-connection</summary>
    ResetConnection,
    /// <summary>return-broken-stream and return-broken-stream-after-YK</summary>
    BrokenStream,
    /// <summary>return-NNN-after-YK</summary>
    ReturnStatusAfter,
    /// <summary>stall-for-Ts-after-YK</summary>
    StallAfter,
    /// <summary>return-corrupted-data</summary>
    CorruptedData,
}

/// <summary>One storage-testbench style fault instruction, parsed.</summary>
internal sealed partial record FaultInstruction(string Text, FaultKind Kind, int Status = 0, long AfterBytes = 0, double StallSeconds = 0)
{
    /// <summary>How many body bytes "return-broken-stream" lets through before closing.</summary>
    public const int BrokenStreamBytes = 10;

    [GeneratedRegex(@"^return-(\d{3})$")] private static partial Regex StatusPattern();
    [GeneratedRegex(@"^return-(\d{3})-after-(\d+)K$")] private static partial Regex StatusAfterPattern();
    [GeneratedRegex(@"^return-broken-stream-after-(\d+)K$")] private static partial Regex BrokenAfterPattern();
    [GeneratedRegex(@"^stall-for-(\d+(?:\.\d+)?)s-after-(\d+)K$")] private static partial Regex StallPattern();

    public static bool TryParse(string text, out FaultInstruction instruction)
    {
        instruction = null!;
        if (string.IsNullOrEmpty(text)) return false;
        static long KiB(string s) => long.Parse(s, CultureInfo.InvariantCulture) * 1024;
        static int Code(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        Match m;
        if (text == "return-reset-connection") instruction = new(text, FaultKind.ResetConnection);
        else if (text == "return-broken-stream") instruction = new(text, FaultKind.BrokenStream, AfterBytes: BrokenStreamBytes);
        else if (text == "return-corrupted-data") instruction = new(text, FaultKind.CorruptedData);
        else if ((m = StatusPattern().Match(text)).Success) instruction = new(text, FaultKind.ReturnStatus, Code(m.Groups[1].Value));
        else if ((m = StatusAfterPattern().Match(text)).Success)
            instruction = new(text, FaultKind.ReturnStatusAfter, Code(m.Groups[1].Value), KiB(m.Groups[2].Value));
        else if ((m = BrokenAfterPattern().Match(text)).Success)
            instruction = new(text, FaultKind.BrokenStream, AfterBytes: KiB(m.Groups[1].Value));
        else if ((m = StallPattern().Match(text)).Success)
            instruction = new(text, FaultKind.StallAfter, AfterBytes: KiB(m.Groups[2].Value),
                StallSeconds: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        else return false;
        return instruction.Kind is not (FaultKind.ReturnStatus or FaultKind.ReturnStatusAfter) || instruction.Status is >= 200 and <= 599;
    }
}

/// <summary>Thrown after a fault has deliberately cut a connection; the dispatcher swallows it.</summary>
internal sealed class FaultAbortException() : Exception("connection cut by fault injection");
