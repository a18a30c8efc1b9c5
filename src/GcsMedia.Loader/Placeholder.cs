namespace GcsMedia.Loader { internal static class Placeholder { } }
