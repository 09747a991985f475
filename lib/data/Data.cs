#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// Data: the chapter's synthetic data sets and scikit-learn's train_test_split, reproduced exactly
// (same seed ⇒ the same numbers as the Python notebook) through NumpyRandom.

/// <summary>The notebook's toy data (XOR, two blobs), scikit-learn's split, and the step to tensors.</summary>
public static class Data
{
    /// <summary>
    /// scikit-learn's <c>train_test_split</c> indices (ShuffleSplit with one split):
    /// <c>perm = RandomState(randomState).permutation(n)</c>, test = perm[:nTest], train = perm[nTest:nTest+nTrain].
    /// nTest = ceil(testSize·n), nTrain = floor(trainSize·n); a missing one is the rest; neither given ⇒ testSize 0.25.
    /// </summary>
    public static TrainTest<int[]> TrainTestSplitIndices(int n, double? testSize = null, double? trainSize = null, int randomState = 1)
    {
        var (nTrain, nTest) = SplitSizes(n, testSize, trainSize);
        var perm = new NumpyRandom(randomState).Permutation(n);
        return new TrainTest<int[]>(perm[nTest..(nTest + nTrain)], perm[..nTest]);
    }

    /// <summary>scikit-learn's <c>train_test_split(X, y, ...)</c> on rows of <paramref name="data"/>.</summary>
    public static TrainTest<ArrayData> TrainTestSplit(ArrayData data, double? testSize = null, double? trainSize = null, int randomState = 1)
    {
        var split = TrainTestSplitIndices(data.Count, testSize, trainSize, randomState);
        return new TrainTest<ArrayData>(Rows(data, split.Train), Rows(data, split.Test));
    }

    /// <summary>The given rows of <paramref name="data"/>, in the given order (NumPy's <c>X[rows]</c>).</summary>
    public static ArrayData Rows(ArrayData data, int[] rows)
    {
        int features = data.Features;
        var x = new double[rows.Length, features];
        var y = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if (r < 0 || r >= data.Count) throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row index out of range [0, {data.Count}).");
            for (int j = 0; j < features; j++) x[i, j] = data.X[r, j];
            y[i] = data.Y[r];
        }
        return new ArrayData(x, y);
    }

    /// <summary>
    /// XOR points: <c>np.random.seed(seed); x = uniform(-1, 1, (count, 2))</c>; label 1 where x0·x1 ≥ 0, else 0.
    /// </summary>
    public static ArrayData MakeXor(int count = 1000, int seed = 1)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive.");
        var draws = new NumpyRandom(seed).Uniform(-1, 1, count * 2);
        var x = new double[count, 2];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i, 0] = draws[2 * i];
            x[i, 1] = draws[2 * i + 1];
            y[i] = x[i, 0] * x[i, 1] >= 0 ? 1 : 0;
        }
        return new ArrayData(x, y);
    }

    /// <summary>The notebook's XOR set split like <c>train_test_split(x, y, test_size=0.3, random_state=1)</c>: 700/300.</summary>
    public static TrainTest<ArrayData> Xor(int count = 1000, int seed = 1, double testSize = 0.3, int splitSeed = 1) =>
        TrainTestSplit(MakeXor(count, seed), testSize: testSize, randomState: splitSeed);

    /// <summary>
    /// scikit-learn 1.2 <c>make_blobs(n_samples=count, n_features, centers, cluster_std, random_state=seed)</c>
    /// with its default center box (-10, 10) and shuffle=True: one RandomState draws the centers, then each
    /// cluster's points (cluster i gets label i; the first count % centers clusters get one extra), then shuffles.
    /// </summary>
    public static ArrayData MakeBlobs(int count = 1000, int seed = 42, double clusterStd = 2.5, int centers = 2, int features = 2)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive.");
        if (centers <= 0) throw new ArgumentOutOfRangeException(nameof(centers), centers, "centers must be positive.");
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), features, "features must be positive.");
        if (clusterStd < 0) throw new ArgumentOutOfRangeException(nameof(clusterStd), clusterStd, "clusterStd must be non-negative.");

        var rng = new NumpyRandom(seed);
        var centerXy = rng.Uniform(-10, 10, centers * features);

        var x = new double[count, features];
        var y = new double[count];
        int row = 0;
        for (int c = 0; c < centers; c++)
        {
            int size = count / centers + (c < count % centers ? 1 : 0);
            for (int i = 0; i < size; i++, row++)
            {
                for (int j = 0; j < features; j++) x[row, j] = rng.Normal(centerXy[c * features + j], clusterStd);
                y[row] = c;
            }
        }

        // sklearn.utils.shuffle → resample(replace=False): indices = arange(n); random_state.shuffle(indices).
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return Rows(new ArrayData(x, y), order);
    }

    /// <summary>The notebook's two blobs split like <c>train_test_split(X, y, test_size=0.33, random_state=42)</c>: 670/330.</summary>
    public static TrainTest<ArrayData> Blobs(int count = 1000, int seed = 42, double clusterStd = 2.5, double testSize = 0.33, int splitSeed = 42) =>
        TrainTestSplit(MakeBlobs(count, seed, clusterStd), testSize: testSize, randomState: splitSeed);

    /// <summary>
    /// Arrays to tensors: X float32 [n, f]; Y int64 class labels when <paramref name="labelsAsClasses"/>,
    /// else float32 [n]. The caller owns the result (dispose it).
    /// </summary>
    public static TensorData ToTensors(ArrayData data, bool labelsAsClasses = true)
    {
        int n = data.Count, f = data.Features;
        var x = new float[n * f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++)
                x[i * f + j] = (float)data.X[i, j];
        var xt = Tensors.Of(x, new long[] { n, f });
        var yt = labelsAsClasses
            ? Tensors.Of(data.Y.Select(v => (long)v).ToArray())
            : Tensors.Of(data.Y.Select(v => (float)v).ToArray());
        return new TensorData(xt, yt);
    }

    // scikit-learn's _validate_shuffle_split for float sizes, with its checks and messages.
    static (int Train, int Test) SplitSizes(int n, double? testSize, double? trainSize)
    {
        if (n <= 0) throw new ArgumentException($"Cannot split {n} samples: need at least one.", nameof(n));
        if (testSize is null && trainSize is null) testSize = 0.25;
        if (testSize is double te && !(te > 0 && te < 1))
            throw new ArgumentException($"testSize={te} should be a fraction in the (0, 1) range.", nameof(testSize));
        if (trainSize is double tr && !(tr > 0 && tr < 1))
            throw new ArgumentException($"trainSize={tr} should be a fraction in the (0, 1) range.", nameof(trainSize));
        if (testSize is double a && trainSize is double b && a + b > 1)
            throw new ArgumentException($"The sum of testSize and trainSize = {a + b}, should be in the (0, 1) range. Reduce testSize and/or trainSize.");

        int? nTest = testSize is double t ? (int)Math.Ceiling(t * n) : null;
        int? nTrain = trainSize is double s ? (int)Math.Floor(s * n) : null;
        int test = nTest ?? n - nTrain!.Value;
        int train = nTrain ?? n - test;
        if (train + test > n)
            throw new ArgumentException($"The sum of train and test sizes = {train + test}, should be at most the number of samples {n}. Reduce testSize and/or trainSize.");
        if (train == 0)
            throw new ArgumentException($"With n={n}, testSize={testSize} and trainSize={trainSize}, the train set would be empty. Adjust the sizes.");
        return (train, test);
    }
}
