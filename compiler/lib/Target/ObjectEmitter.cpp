//===- ObjectEmitter.cpp - LLVM dialect to host object code ---------------===//
//
// MLIR's LLVM IR export, LLVM's new pass manager at O0-O3 (vectorizers on),
// and TargetMachine code emission; no external tools. The host CPU and its
// features are used unless a CPU is named, so the code can use AVX-512 where
// the machine has it.
//
//===----------------------------------------------------------------------===//

#include "nnc/Target/ObjectEmitter.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace nnc;

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, llvm::raw_ostream &errs) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    errs << "nnc: error: no code generator for " << triple << ": " << error
         << "\n";
    return nullptr;
  }
  std::string cpu = opts.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    for (const auto &f : host)
      features += (features.empty() ? "" : ",") +
                  std::string(f.second ? "+" : "-") + f.first().str();
  }
  llvm::TargetOptions to;
  static const llvm::CodeGenOptLevel levels[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less,
      llvm::CodeGenOptLevel::Default, llvm::CodeGenOptLevel::Aggressive};
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      levels[std::min(opts.optLevel, 3u)]));
  if (!tm)
    errs << "nnc: error: cannot create a code generator for CPU '" << cpu
         << "'\n";
  return tm;
}

/// Runs LLVM's default O<n> pipeline on `m`.
static void optimize(llvm::Module &m, llvm::TargetMachine &tm, unsigned level) {
  if (level == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = true;
  pto.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  static const llvm::OptimizationLevel levels[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  pb.buildPerModuleDefaultPipeline(levels[std::min(level, 3u)]).run(m, mam);
}

/// Adds what the runtime's driver links against (runtime/include/nnrt/abi.h):
/// the model descriptor as `nnc_model_descriptor`, and
/// `nnc_forward_packed(void **args)`, which calls the C interface of the
/// forward with args[0] (the results) and args[1...] (the arguments).
static bool addRuntimeInterface(llvm::Module &m, llvm::StringRef descriptor,
                                llvm::raw_ostream &errs) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *text = llvm::ConstantDataArray::getString(ctx, descriptor, true);
  new llvm::GlobalVariable(m, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           "nnc_model_descriptor");
  llvm::Function *entry = m.getFunction("_mlir_ciface_forward");
  if (!entry) {
    errs << "nnc: internal error: no C interface for 'forward'\n";
    return false;
  }
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *packed = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
      llvm::GlobalValue::ExternalLinkage, "nnc_forward_packed", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", packed));
  std::vector<llvm::Value *> args;
  for (unsigned i = 0; i < entry->arg_size(); ++i) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptr, packed->getArg(0), i);
    args.push_back(b.CreateLoad(ptr, slot));
  }
  b.CreateCall(entry, args);
  b.CreateRetVoid();
  return true;
}

bool nnc::emitNative(mlir::ModuleOp module, const CodegenOptions &opts,
                     OutputKind kind, llvm::raw_pwrite_stream &os,
                     llvm::raw_ostream &errs) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());
  // The descriptor travels as a module attribute from MLIRGen.
  std::string descriptor;
  if (auto attr = module->getAttrOfType<mlir::StringAttr>("nn.descriptor")) {
    descriptor = attr.str();
    module->removeAttr("nn.descriptor");
  }
  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> m =
      mlir::translateModuleToLLVMIR(module, llvmCtx, "nnc");
  if (!m) {
    errs << "nnc: internal error: the module does not translate to LLVM IR\n";
    return false;
  }
  if (!descriptor.empty() && !addRuntimeInterface(*m, descriptor, errs))
    return false;
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(opts, errs);
  if (!tm)
    return false;
  m->setTargetTriple(tm->getTargetTriple().str());
  m->setDataLayout(tm->createDataLayout());
  optimize(*m, *tm, opts.optLevel);
  if (kind == OutputKind::LLVMIR) {
    m->print(os, nullptr);
    return true;
  }
  llvm::legacy::PassManager pm;
  auto fileType = kind == OutputKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if (tm->addPassesToEmitFile(pm, os, nullptr, fileType)) {
    errs << "nnc: error: the code generator cannot emit this file type\n";
    return false;
  }
  pm.run(*m);
  return true;
}
