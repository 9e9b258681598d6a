//===- NNVJPNeural.cpp - VJP rules of the neural-network nn ops -----------===//
//
// conv2d (as conv2ds: the input gradient convolves the zero-dilated, padded
// output gradient with the flipped, regrouped weight; the weight gradient
// convolves over the batch axis), pooling (the output gradient written back
// through strided slices, one per window offset), softmax and log_softmax,
// embedding (a one-hot matmul that sums the rows' gradients into the
// table), dropout (the same mask, drawn again), the norms and
// cross_entropy.
//
//===----------------------------------------------------------------------===//

#include "NNVJP.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace nnc::nn;

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// `v` reshaped to `shape` (at most one dynamic dim, whose size is
/// `dynamicSize`).
static Value reshapeTo(OpBuilder &b, Location loc, Value v,
                       ArrayRef<int64_t> shape, Value dynamicSize = {}) {
  auto type = RankedTensorType::get(shape, tensorTypeOf(v).getElementType());
  SmallVector<Value> sizes;
  if (dynamicSize)
    sizes.push_back(dynamicSize);
  return b.create<ReshapeOp>(loc, type, v, sizes);
}

/// `v` with its axes permuted: result dim i is `v`'s dim perm[i].
static Value permute(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> perm) {
  RankedTensorType type = tensorTypeOf(v);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return b.create<TransposeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v,
      b.getDenseI64ArrayAttr(perm));
}

/// `v` reversed along static `axis`: split into size-1 parts, joined back
/// in reverse order.
static Value reverseAxis(OpBuilder &b, Location loc, Value v, int64_t axis) {
  RankedTensorType type = tensorTypeOf(v);
  int64_t size = type.getDimSize(axis);
  if (size == 1)
    return v;
  SmallVector<int64_t> partShape(type.getShape());
  partShape[axis] = 1;
  SmallVector<Type> partTypes(
      size, RankedTensorType::get(partShape, type.getElementType()));
  auto split = b.create<SplitOp>(loc, partTypes, v, b.getI64IntegerAttr(axis));
  SmallVector<Value> parts(llvm::reverse(split.getResults()));
  return b.create<ConcatOp>(loc, type, parts, b.getI64IntegerAttr(axis));
}

/// `v` * `factor` as index sizes (`v` an index Value).
static Value scaleSize(OpBuilder &b, Location loc, Value v, int64_t factor) {
  return b.create<arith::MulIOp>(loc, v,
                                 b.create<arith::ConstantIndexOp>(loc, factor));
}

namespace {
/// One spatial axis of a window op: input size `in`, output size `out`,
/// kernel size `kernel`, and the op's stride, padding and dilation.
struct WindowAxis {
  int64_t in, out, kernel, stride, padding, dilation;

  /// The span of the dilated kernel.
  int64_t span() const { return dilation * (kernel - 1) + 1; }
};

/// How the input gradient of a convolution along one axis is taken as a
/// stride-1 convolution: the output gradient, zero-dilated by the stride,
/// is placed at `offset` in a zero tensor of `size`; the convolution's
/// result is then cropped from `crop` to the input's size.
struct TransposedAxis {
  int64_t offset, size, crop;

  explicit TransposedAxis(const WindowAxis &a) {
    // Input position h reads output positions o with o*s + k*d = h + p,
    // which a correlation with the flipped kernel sees when the dilated
    // gradient starts at d(K-1) - p. Padding beyond that is cropped.
    int64_t start = a.span() - 1 - a.padding;
    int64_t dilated = (a.out - 1) * a.stride + 1;
    offset = std::max<int64_t>(start, 0);
    crop = offset - start;
    int64_t needed = crop + a.in + a.span() - 1; // covers crop + in outputs
    size = std::max(offset + dilated, needed);
  }
};
} // namespace

/// The weight of conv2d's input gradient: [O, C/G, kh, kw] regrouped to
/// [C, O/G, kh, kw] (within each group, input and output channels swap)
/// and flipped along both spatial axes.
static Value transposedWeight(OpBuilder &b, Location loc, Value w,
                              int64_t groups) {
  ArrayRef<int64_t> s = tensorTypeOf(w).getShape();
  int64_t o = s[0], cg = s[1], kh = s[2], kw = s[3], og = o / groups;
  Value regrouped;
  if (groups == 1) {
    regrouped = permute(b, loc, w, {1, 0, 2, 3});
  } else {
    Value split = reshapeTo(b, loc, w, {groups, og, cg, kh, kw});
    Value swapped = permute(b, loc, split, {0, 2, 1, 3, 4});
    regrouped = reshapeTo(b, loc, swapped, {groups * cg, og, kh, kw});
  }
  return reverseAxis(b, loc, reverseAxis(b, loc, regrouped, 2), 3);
}

/// The gradient, of `inputType`, of the input of a convolution whose
/// output gradient is `g` [N, O, H', W']: `g` zero-dilated by the stride and
/// padded (insertIntoFilled), convolved with stride 1 and the forward's
/// dilation and groups with `weight` [C, O/G, kh, kw] (already regrouped
/// and flipped), and cropped to the input.
static Value convInputGrad(OpBuilder &b, Location loc, Value g, Value weight,
                           RankedTensorType inputType, WindowAxis rows,
                           WindowAxis cols, int64_t groups) {
  TransposedAxis tr(rows), tc(cols);
  SmallVector<OpFoldResult> gSizes = sizesOf(b, loc, g);
  SmallVector<OpFoldResult> zSizes{
      gSizes[0], gSizes[1], b.getIndexAttr(tr.size), b.getIndexAttr(tc.size)};
  Type elementType = inputType.getElementType();
  Value z =
      insertIntoFilled(b, loc, g, typeOfSizes(zSizes, elementType), zSizes, 0.0,
                       {b.getIndexAttr(0), b.getIndexAttr(0),
                        b.getIndexAttr(tr.offset), b.getIndexAttr(tc.offset)},
                       {1, 1, rows.stride, cols.stride});
  int64_t outRows = tr.size - (rows.span() - 1),
          outCols = tc.size - (cols.span() - 1);
  auto convType = RankedTensorType::get(
      {inputType.getDimSize(0), inputType.getDimSize(1), outRows, outCols},
      elementType);
  Value full = b.create<Conv2dOp>(loc, convType, z, weight, /*stride=*/1,
                                  /*padding=*/0, rows.dilation, groups);
  if (outRows == rows.in && outCols == cols.in)
    return castTo(b, loc, full, inputType);
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, full);
  sizes[2] = b.getIndexAttr(rows.in);
  sizes[3] = b.getIndexAttr(cols.in);
  return extractSlice(b, loc, full, inputType,
                      {b.getIndexAttr(0), b.getIndexAttr(0),
                       b.getIndexAttr(tr.crop), b.getIndexAttr(tc.crop)},
                      sizes);
}

/// The gradient of conv2d's weight [O, C/G, kh, kw]: for each group,
/// dW[o, c, i, j] = sum_{n, y, x} g[n, o, y, x] xpad[n, c, y*s + i*d,
/// x*s + j*d], a convolution of the input (batch and channel axes swapped)
/// with `g` as its kernel over the batch axis: stride d, dilation s, the
/// forward's padding. Its spatial size may exceed the kernel's where the
/// forward's windows left input rows unread; those are cropped.
static Value convWeightGrad(OpBuilder &b, Location loc, Value x, Value g,
                            RankedTensorType weightType, WindowAxis rows,
                            WindowAxis cols, int64_t groups) {
  ArrayRef<int64_t> xs = tensorTypeOf(x).getShape();
  ArrayRef<int64_t> gs = tensorTypeOf(g).getShape();
  int64_t n = xs[0], c = xs[1], o = gs[1];
  int64_t cg = c / groups, og = o / groups;
  Value xt, gt;
  if (groups == 1) {
    xt = permute(b, loc, x, {1, 0, 2, 3}); // [C, N, H, W]
    gt = permute(b, loc, g, {1, 0, 2, 3}); // [O, N, H', W']
  } else {
    // [N, C, H, W] -> [C/G, G*N, H, W]: group k's channels N at k*N.
    Value batch = ShapedType::isDynamic(n)
                      ? b.create<tensor::DimOp>(loc, x, 0).getResult()
                      : Value();
    Value xg = reshapeTo(b, loc, x, {n, groups, cg, xs[2], xs[3]}, batch);
    Value xp = permute(b, loc, xg, {2, 1, 0, 3, 4});
    int64_t gn = ShapedType::isDynamic(n) ? n : groups * n;
    xt = reshapeTo(b, loc, xp, {cg, gn, xs[2], xs[3]},
                   batch ? scaleSize(b, loc, batch, groups) : Value());
    // [N, O, H', W'] -> [O, N, H', W'] with O ordered by (group, channel).
    Value gg = reshapeTo(b, loc, g, {n, groups, og, gs[2], gs[3]}, batch);
    Value gp = permute(b, loc, gg, {1, 2, 0, 3, 4});
    gt = reshapeTo(b, loc, gp, {o, n, gs[2], gs[3]}, batch);
  }
  // The positions of a window of `out` taps s apart over the padded input,
  // moved d at a time.
  auto wideSize = [](const WindowAxis &a) {
    return (a.in + 2 * a.padding - (a.out - 1) * a.stride - 1) / a.dilation + 1;
  };
  int64_t wideRows = wideSize(rows), wideCols = wideSize(cols);
  auto convType = RankedTensorType::get({cg, o, wideRows, wideCols},
                                        weightType.getElementType());
  Value conv = b.create<Conv2dOp>(loc, convType, xt, gt, rows.dilation,
                                  rows.padding, rows.stride, groups);
  Value grad = permute(b, loc, conv, {1, 0, 2, 3}); // [O, C/G, ., .]
  if (wideRows == rows.kernel && wideCols == cols.kernel)
    return castTo(b, loc, grad, weightType);
  SmallVector<OpFoldResult> zeros(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes;
  for (int64_t size : weightType.getShape())
    sizes.push_back(b.getIndexAttr(size));
  return extractSlice(b, loc, grad, weightType, zeros, sizes);
}

// For y = conv2d(x, w): dx is the transposed convolution of dy with w, dw
// the correlation of x with dy over the batch (see convInputGrad and
// convWeightGrad). Needs static channels, spatial sizes and kernel.
LogicalResult Conv2dOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType xType = getInput().getType(), wType = getWeight().getType(),
                   yType = getType();
  bool isStatic = wType.hasStaticShape();
  for (int64_t i = 1; i < 4; ++i)
    isStatic &= !xType.isDynamicDim(i) && !yType.isDynamicDim(i);
  if (!isStatic)
    return emitOpError("gradient needs static channels, spatial sizes and "
                       "kernel");
  int64_t stride = getStride(), padding = getPadding(),
          dilation = getDilation();
  auto axis = [&](int64_t i) {
    return WindowAxis{xType.getDimSize(i), yType.getDimSize(i),
                      wType.getDimSize(i), stride, padding, dilation};
  };
  WindowAxis rows = axis(2), cols = axis(3);
  int64_t groups = getGroups();
  Value g = resultGrads[0];
  Value weight = transposedWeight(b, loc, getWeight(), groups);
  operandGrads.push_back(
      convInputGrad(b, loc, g, weight, xType, rows, cols, groups));
  operandGrads.push_back(
      convWeightGrad(b, loc, getInput(), g, wType, rows, cols, groups));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

namespace {
/// The geometry of a pooling op and the input padded as the forward saw
/// it: sizes, type, and the slices that read or write one window offset.
struct PoolWindows {
  int64_t kernel, stride, padding;
  SmallVector<OpFoldResult> paddedSizes;
  RankedTensorType paddedType;

  PoolWindows(OpBuilder &b, Location loc, Value input, int64_t kernel,
              int64_t stride, int64_t padding)
      : kernel(kernel), stride(stride), padding(padding) {
    paddedSizes = sizesOf(b, loc, input);
    for (int64_t i : {2, 3})
      paddedSizes[i] =
          addSizes(b, loc, paddedSizes[i], b.getIndexAttr(2 * padding));
    paddedType = typeOfSizes(paddedSizes, tensorTypeOf(input).getElementType());
  }

  SmallVector<OpFoldResult> offsets(OpBuilder &b, int64_t i, int64_t j) const {
    return {b.getIndexAttr(0), b.getIndexAttr(0), b.getIndexAttr(i),
            b.getIndexAttr(j)};
  }
  SmallVector<int64_t> strides() const { return {1, 1, stride, stride}; }

  /// `input` padded with `value` on each spatial side.
  Value pad(OpBuilder &b, Location loc, Value input, double value) const {
    if (padding == 0)
      return input;
    return insertIntoFilled(b, loc, input, paddedType, paddedSizes, value,
                            offsets(b, padding, padding));
  }
  /// The elements of `padded` that window offset (i, j) reads, shaped like
  /// the output `like`.
  Value windowElements(OpBuilder &b, Location loc, Value padded, Value like,
                       int64_t i, int64_t j) const {
    return extractSlice(b, loc, padded, tensorTypeOf(like), offsets(b, i, j),
                        sizesOf(b, loc, like), strides());
  }
  /// `grad` (shaped like the output) written where window offset (i, j)
  /// reads, in a padded tensor of zeros.
  Value scatter(OpBuilder &b, Location loc, Value grad, int64_t i,
                int64_t j) const {
    return insertIntoFilled(b, loc, grad, paddedType, paddedSizes, 0.0,
                            offsets(b, i, j), strides());
  }
  /// Whether the windows never overlap (stride >= kernel): each offset
  /// (i, j) then writes its own elements, and all of them can go into one
  /// tensor instead of a sum of one tensor per offset.
  bool disjoint() const { return stride >= kernel; }
  /// A padded tensor of zeros for scatterInto.
  Value zeros(OpBuilder &b, Location loc) const {
    return filled(b, loc, paddedType, paddedSizes, 0.0);
  }
  /// `grad` written into `dest` where window offset (i, j) reads.
  Value scatterInto(OpBuilder &b, Location loc, Value grad, Value dest,
                    int64_t i, int64_t j) const {
    SmallVector<OpFoldResult> steps{b.getIndexAttr(1), b.getIndexAttr(1),
                                    b.getIndexAttr(stride),
                                    b.getIndexAttr(stride)};
    return b.create<tensor::InsertSliceOp>(loc, grad, dest, offsets(b, i, j),
                                           sizesOf(b, loc, grad), steps);
  }
  /// The gradient of the padded input from each offset's share: written
  /// into one tensor when the windows are disjoint, else summed.
  Value gather(OpBuilder &b, Location loc, Value acc, Value share, int64_t i,
               int64_t j) const {
    if (disjoint())
      return scatterInto(b, loc, share, acc ? acc : zeros(b, loc), i, j);
    Value scattered = scatter(b, loc, share, i, j);
    return acc ? b.create<AddOp>(loc, acc, scattered).getResult() : scattered;
  }
  /// `paddedGrad` without the padding: the gradient of `input`.
  Value unpad(OpBuilder &b, Location loc, Value paddedGrad, Value input) const {
    if (padding == 0)
      return castTo(b, loc, paddedGrad, input.getType());
    return extractSlice(b, loc, paddedGrad, tensorTypeOf(input),
                        offsets(b, padding, padding), sizesOf(b, loc, input));
  }
};
} // namespace

// dy goes to each window's maximum: for each offset (i, j) of the window,
// in row-major order, the outputs whose window element at (i, j) equals
// their maximum and was not taken by an earlier offset (ties go to the
// first, as PyTorch) send dy there. Padding is -inf, so it never wins.
LogicalResult MaxPool2dOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), y = getResult(), g = resultGrads[0];
  PoolWindows windows(b, loc, x, getKernel(), getStride(), getPadding());
  Value padded =
      windows.pad(b, loc, x, -std::numeric_limits<double>::infinity());
  Value zero = scalarLike(b, loc, g, 0.0);
  Value taken, acc;
  int64_t k = getKernel();
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < k; ++j) {
      Value element = windows.windowElements(b, loc, padded, y, i, j);
      Value hit = b.create<CompareOp>(loc, ComparePredicate::eq, element, y);
      if (taken) {
        Value free = b.create<NotOp>(loc, taken.getType(), taken);
        hit = b.create<AndOp>(loc, hit, free);
      }
      if (i + 1 < k || j + 1 < k)
        taken = taken ? b.create<OrOp>(loc, taken, hit).getResult() : hit;
      Value routed = b.create<WhereOp>(loc, y.getType(), hit, g, zero);
      acc = windows.gather(b, loc, acc, routed, i, j);
    }
  }
  operandGrads.push_back(windows.unpad(b, loc, acc, x));
  return success();
}

// Each window's dy / k^2 goes to all of its k^2 elements (padding counts,
// as count_include_pad in the forward).
LogicalResult AvgPool2dOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  PoolWindows windows(b, loc, x, getKernel(), getStride(), getPadding());
  int64_t k = getKernel();
  Value share = b.create<DivOp>(
      loc, g, scalarLike(b, loc, g, static_cast<double>(k * k)));
  Value acc;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      acc = windows.gather(b, loc, acc, share, i, j);
  operandGrads.push_back(windows.unpad(b, loc, acc, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

// For y = softmax(x): dx = y * (dy - sum(dy * y)) along the axis
LogicalResult SoftmaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult(), g = resultGrads[0];
  Value dot =
      sumKeepdim(b, loc, b.create<MulOp>(loc, g, y), {getNormalizedAxis()});
  operandGrads.push_back(b.create<MulOp>(loc, y, b.create<SubOp>(loc, g, dot)));
  return success();
}

// For y = log_softmax(x): dx = dy - e^y * sum(dy) along the axis
LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult(), g = resultGrads[0];
  Value total = sumKeepdim(b, loc, g, {getNormalizedAxis()});
  Value probs = b.create<ExpOp>(loc, getType(), y);
  operandGrads.push_back(
      b.create<SubOp>(loc, g, b.create<MulOp>(loc, probs, total)));
  return success();
}

//===----------------------------------------------------------------------===//
// Embedding and dropout
//===----------------------------------------------------------------------===//

// For y[..., :] = table[ids[...], :]: dtable[v] = sum of dy over the
// positions whose id is v, as onehot(ids)^T @ dy with ids clamped into
// range as the forward does; ids get no gradient. Needs a static table.
LogicalResult EmbeddingOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType tableType = getTable().getType();
  if (!tableType.hasStaticShape())
    return emitOpError("gradient needs a table of static shape");
  int64_t rows = tableType.getDimSize(0);
  Value ids = getIds(), g = resultGrads[0];
  RankedTensorType idsType = getIds().getType();
  // The positions, flattened: ids [P] and dy [P, D].
  int64_t positions = 1;
  Value dynamicPositions;
  for (int64_t i = 0; i < idsType.getRank(); ++i) {
    if (!idsType.isDynamicDim(i)) {
      positions *= idsType.getDimSize(i);
      continue;
    }
    Value dim = b.create<tensor::DimOp>(loc, ids, i);
    dynamicPositions =
        dynamicPositions
            ? b.create<arith::MulIOp>(loc, dynamicPositions, dim).getResult()
            : dim;
  }
  if (dynamicPositions) {
    if (positions != 1)
      dynamicPositions = scaleSize(b, loc, dynamicPositions, positions);
    positions = ShapedType::kDynamic;
  }
  Value flatIds = reshapeTo(b, loc, ids, {positions}, dynamicPositions);
  Value flatGrad = reshapeTo(b, loc, g, {positions, tableType.getDimSize(1)},
                             dynamicPositions);
  Value clamped =
      b.create<ClampOp>(loc, flatIds.getType(), flatIds, b.getF64FloatAttr(0.0),
                        b.getF64FloatAttr(double(rows - 1)));
  Value range = b.create<ArangeOp>(
      loc, RankedTensorType::get({rows}, idsType.getElementType()),
      ValueRange{});
  Value isRow = b.create<CompareOp>(loc, ComparePredicate::eq,
                                    unsqueezeAt(b, loc, range, 1),
                                    unsqueezeAt(b, loc, clamped, 0));
  Value oneHot = selectScalars(b, loc, isRow, getTable(), 1.0, 0.0);
  Value grad = b.create<MatmulOp>(loc, oneHot, flatGrad);
  operandGrads.push_back(castTo(b, loc, grad, tableType));
  operandGrads.push_back(Value());
  return success();
}

// y = x * mask / (1 - p) with the mask a pure function of (run seed, call,
// seed_offset, index): dx = dropout(dy) with the same attributes draws the
// same mask and scales by the same factor.
LogicalResult DropoutOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<DropoutOp>(
      getLoc(), getType(), resultGrads[0], getPAttr(), getSeedOffsetAttr()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization and losses
//===----------------------------------------------------------------------===//

/// Statistic `stat` [C] of batch_norm over `input` [N, C, ...] reshaped to
/// [C, 1, ...] so that it broadcasts along axis 1.
static Value perChannel(OpBuilder &b, Location loc, Value stat, Value input) {
  int64_t rank = tensorTypeOf(input).getRank();
  if (rank == 2)
    return stat;
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = tensorTypeOf(stat).getDimSize(0);
  return b.create<ReshapeOp>(
      loc, RankedTensorType::get(shape, tensorTypeOf(stat).getElementType()),
      stat, dynamicSizesOf(b, loc, stat));
}

/// `grad`, of the broadcast per-channel shape, summed back to `stat`'s.
static Value sumToStat(OpBuilder &b, Location loc, Value grad, Value stat,
                       Value channelStat) {
  return reshapeLike(
      b, loc, reduceToShape(b, loc, grad, tensorTypeOf(channelStat)), stat);
}

// For y = (x - m) r with r = (v + eps)^(-1/2), per channel:
// dx = dy r, dm = -sum(dy r), dv = -1/2 sum(dy y) r^2 (sums over all but
// the channel axis). In training m and v are computed from x by the
// caller, whose own gradients complete dx.
LogicalResult BatchNormOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  Value mean = perChannel(b, loc, getMean(), x);
  Value var = perChannel(b, loc, getVar(), x);
  Value shifted = b.create<AddOp>(
      loc, var, scalarLike(b, loc, var, getEps().convertToDouble()));
  Value rstd = b.create<RsqrtOp>(loc, shifted.getType(), shifted);
  Value dx = b.create<MulOp>(loc, g, rstd);
  operandGrads.push_back(castTo(b, loc, dx, x.getType()));
  Value negDx = b.create<NegOp>(loc, dx.getType(), dx);
  operandGrads.push_back(sumToStat(b, loc, negDx, getMean(), mean));
  Value gy = b.create<MulOp>(loc, g, getResult());
  Value gySum = reduceToShape(b, loc, gy, tensorTypeOf(var));
  Value scale = b.create<DivOp>(loc, scalarLike(b, loc, var, -0.5), shifted);
  Value dVar = b.create<MulOp>(loc, gySum, scale);
  operandGrads.push_back(sumToStat(b, loc, dVar, getVar(), var));
  return success();
}

// For y = (x - mean) r over the last axis, r = (var + eps)^(-1/2):
// dx = r (dy - mean(dy) - y mean(dy y)), the means over the last axis
LogicalResult LayerNormOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), y = getResult(), g = resultGrads[0];
  SmallVector<int64_t> last{getType().getRank() - 1};
  Value centered = b.create<SubOp>(loc, x, meanKeepdim(b, loc, x, last));
  Value var =
      meanKeepdim(b, loc, b.create<MulOp>(loc, centered, centered), last);
  Value shifted = b.create<AddOp>(
      loc, var, scalarLike(b, loc, var, getEps().convertToDouble()));
  Value rstd = b.create<RsqrtOp>(loc, shifted.getType(), shifted);
  Value gMean = meanKeepdim(b, loc, g, last);
  Value gyMean = meanKeepdim(b, loc, b.create<MulOp>(loc, g, y), last);
  Value inner = b.create<SubOp>(loc, b.create<SubOp>(loc, g, gMean),
                                b.create<MulOp>(loc, y, gyMean));
  operandGrads.push_back(b.create<MulOp>(loc, inner, rstd));
  return success();
}

/// onehot(labels) over `logits`' classes, with label smoothing `eps`:
/// (1 - eps) * onehot + eps / C, of `logits`' type.
static Value smoothedTargets(OpBuilder &b, Location loc, Value logits,
                             Value labels, double eps) {
  RankedTensorType labelsType = tensorTypeOf(labels);
  RankedTensorType logitsType = tensorTypeOf(logits);
  int64_t classes = logitsType.getDimSize(1);
  SmallVector<Value> sizes;
  if (ShapedType::isDynamic(classes))
    sizes.push_back(b.create<tensor::DimOp>(loc, logits, 1));
  Value range = b.create<ArangeOp>(
      loc, RankedTensorType::get({classes}, labelsType.getElementType()),
      sizes);
  Value column =
      b.create<UnsqueezeOp>(loc,
                            RankedTensorType::get({labelsType.getDimSize(0), 1},
                                                  labelsType.getElementType()),
                            labels, 1);
  Value isLabel = b.create<CompareOp>(loc, ComparePredicate::eq, column, range);
  Value on = scalarLike(b, loc, logits, 1.0 - eps);
  Value off = scalarLike(b, loc, logits, 0.0);
  Value targets = b.create<WhereOp>(loc, logitsType, isLabel, on, off);
  if (eps == 0)
    return targets;
  Value spread = b.create<DivOp>(loc, scalarLike(b, loc, logits, eps),
                                 countOf(b, loc, logits, {1}));
  return b.create<AddOp>(loc, targets, spread);
}

// For l = mean_b(-log softmax(x_b)[y_b]) with targets t (one-hot, smoothed):
// dl/dx = (softmax(x) - t) / B; labels get no gradient
LogicalResult CrossEntropyOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value logits = getLogits();
  Value probs = b.create<SoftmaxOp>(loc, logits.getType(), logits, -1);
  Value targets = smoothedTargets(b, loc, logits, getLabels(),
                                  getLabelSmoothing().convertToDouble());
  Value diff = b.create<SubOp>(loc, probs, targets);
  Value scale =
      b.create<DivOp>(loc, resultGrads[0], countOf(b, loc, logits, {0}));
  operandGrads.push_back(b.create<MulOp>(loc, diff, scale));
  operandGrads.push_back(Value());
  return success();
}
