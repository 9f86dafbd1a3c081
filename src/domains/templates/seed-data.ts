import type { TemplateVariable } from './templates.table.ts';

export interface SeedTemplate {
  name: string;
  description: string;
  category: 'development' | 'architecture' | 'data' | 'techniques';
  content: string;
  variables: TemplateVariable[];
}

/** The built-in templates, inserted once on first start. */
export const BUILTIN_TEMPLATES: readonly SeedTemplate[] = [
  {
    name: 'business-logic-implementation',
    description:
      'Implements a piece of business logic in production-quality code from a feature description and its business rules.',
    category: 'development',
    content: `You are a senior software engineer who writes clear, correct and maintainable production code. Your task is to implement the business logic described below in {{ language }}.

Feature:
{{ feature_description }}

Business rules:
{{ business_rules }}

Existing context (domain types, interfaces, conventions):
{{ existing_context }}

Testing approach: {{ testing_framework }}

Follow these steps:
1. Restate the business rules as a numbered list of precise, testable requirements. If a rule is ambiguous, state the assumption you are making instead of guessing silently.
2. Identify the inputs, outputs, invariants and edge cases (empty input, boundary values, invalid states, concurrency, rounding, time zones) that the rules imply.
3. Design the solution: keep the business logic in pure, side-effect-free functions where possible, and isolate I/O (database, network, clock) behind interfaces passed in as dependencies.
4. Implement the code. Use descriptive names taken from the business domain, validate inputs at the boundary, and return or raise explicit, typed errors for rule violations rather than failing silently.
5. Write unit tests with the stated testing approach that cover every requirement from step 1, including the edge cases from step 2.

Constraints:
- Match the style and conventions of the existing context.
- Do not introduce new dependencies unless they are clearly justified.
- Avoid premature abstraction; prefer the simplest design that satisfies every rule.
- Add short comments only where the reason behind a rule is not obvious from the code.

Output format:
- "Requirements": the numbered list from step 1, followed by any assumptions.
- "Implementation": the complete code in a single fenced code block.
- "Tests": the test code in a separate fenced code block.
- "Notes": a brief list of trade-offs, open questions for the product owner, and possible follow-up work.`,
    variables: [
      {
        name: 'feature_description',
        description: 'What the feature should do, in plain language.',
        required: true,
      },
      {
        name: 'business_rules',
        description: 'The business rules, policies and constraints the logic must enforce.',
        required: true,
      },
      {
        name: 'language',
        description: 'Programming language for the implementation.',
        required: false,
        defaultValue: 'TypeScript',
      },
      {
        name: 'existing_context',
        description: 'Relevant existing code, types, interfaces or conventions.',
        required: false,
        defaultValue: 'None provided; choose idiomatic conventions for the language.',
      },
      {
        name: 'testing_framework',
        description: 'Testing framework or approach to use for the tests.',
        required: false,
        defaultValue: 'the standard unit testing framework for the language',
      },
    ],
  },
  {
    name: 'api-design',
    description:
      'Designs a consistent, secure and evolvable API for a given domain, including resources, operations, errors and versioning.',
    category: 'architecture',
    content: `You are an experienced API architect. Design a {{ api_style }} API for the domain described below. The design must be consistent, secure, easy for clients to consume, and able to evolve without breaking existing consumers.

Domain and purpose:
{{ domain_description }}

Primary use cases and consumers:
{{ use_cases }}

Non-functional requirements (scale, latency, security, compliance):
{{ constraints }}

Authentication approach: {{ auth_method }}

Work through the design in this order:
1. Identify the core resources or types, their attributes and their relationships. Name them with nouns from the domain language.
2. Define the operations needed for each use case. For each one give its name or path, inputs, outputs, and whether it is idempotent.
3. Specify pagination, filtering and sorting for collections, and state how large result sets are bounded.
4. Define a single, consistent error model: error codes, human-readable messages, field-level validation errors, and how they map to transport status codes.
5. Describe authentication and authorization, including which roles or scopes may call each operation.
6. Explain the versioning and deprecation strategy and how new fields or operations will be added without breaking clients.
7. Address rate limiting, caching, concurrency control (for example optimistic locking with versions or ETags) and observability.

Constraints:
- Follow the established conventions of the chosen API style.
- Prefer explicit, predictable behavior over cleverness.
- Do not expose internal implementation details such as database identifiers or table structures unless that is intentional.

Output format:
- "Overview": two or three sentences summarizing the design.
- "Resources": a table of resources with key fields and relationships.
- "Operations": a list or table of every operation with inputs, outputs and required permissions.
- "Schema / Specification": a concise schema or specification excerpt in a fenced code block.
- "Errors", "Security", "Versioning": short sections covering steps 4 to 6.
- "Open Questions": anything that needs a decision from stakeholders.`,
    variables: [
      {
        name: 'domain_description',
        description: 'The business domain and purpose of the API.',
        required: true,
      },
      {
        name: 'use_cases',
        description: 'The main use cases and the clients that will consume the API.',
        required: true,
      },
      {
        name: 'api_style',
        description: 'API style, for example REST, GraphQL or gRPC.',
        required: false,
        defaultValue: 'REST',
      },
      {
        name: 'constraints',
        description: 'Non-functional requirements such as scale, latency, security and compliance.',
        required: false,
        defaultValue: 'No special constraints beyond common industry best practices.',
      },
      {
        name: 'auth_method',
        description: 'How clients authenticate.',
        required: false,
        defaultValue: 'OAuth 2.0 bearer tokens',
      },
    ],
  },
  {
    name: 'database-schema-design',
    description:
      'Designs a normalized, well-indexed database schema for an application from its entities and access patterns.',
    category: 'data',
    content: `You are a senior database engineer specializing in data modeling and performance. Design a database schema for {{ database_type }} that supports the application described below.

Application overview:
{{ application_description }}

Entities and data to store:
{{ entities }}

Main queries and access patterns:
{{ access_patterns }}

Expected scale and growth: {{ scale }}

Follow these steps:
1. List the entities, their attributes and the relationships between them, including cardinality (one-to-one, one-to-many, many-to-many).
2. Normalize the model to third normal form. If you deliberately denormalize anything for performance, call it out and justify it.
3. Choose a primary key strategy and precise column types, and decide which columns are nullable. Prefer database-native types for dates, money, identifiers and enumerations.
4. Add constraints that protect data integrity: foreign keys with appropriate ON DELETE behavior, unique constraints, check constraints and sensible defaults.
5. Design indexes from the access patterns. For each index, name the query it serves, and avoid indexes that no query needs.
6. Cover audit columns (created and updated timestamps), soft deletion if it is needed, and how the schema will handle multi-tenancy or data retention where relevant.
7. Describe how the schema can evolve safely with migrations, and point out any part likely to become a bottleneck at the expected scale.

Constraints:
- Use consistent snake_case naming for tables and columns.
- Do not store derived data unless it is justified by an access pattern.
- Keep personally identifiable or sensitive data identifiable so it can be protected.

Output format:
- "Entity Overview": a short description of each entity and its relationships.
- "DDL": complete, runnable schema definitions in a single fenced code block, including constraints and indexes.
- "Index Rationale": a table mapping each index to the access pattern it supports.
- "Design Decisions": a brief list of trade-offs and denormalization choices.
- "Risks and Next Steps": scaling concerns, migration notes and open questions.`,
    variables: [
      {
        name: 'application_description',
        description: 'What the application does and who uses it.',
        required: true,
      },
      {
        name: 'entities',
        description: 'The main entities and the data that must be stored about them.',
        required: true,
      },
      {
        name: 'access_patterns',
        description: 'The most important reads and writes the schema must serve efficiently.',
        required: false,
        defaultValue: 'Standard create, read, update and delete operations on each entity.',
      },
      {
        name: 'database_type',
        description: 'Target database engine.',
        required: false,
        defaultValue: 'PostgreSQL',
      },
      {
        name: 'scale',
        description: 'Expected data volume, traffic and growth.',
        required: false,
        defaultValue: 'moderate: up to a few million rows per table',
      },
    ],
  },
  {
    name: 'zero-shot',
    description:
      'A zero-shot prompt that asks the model to perform a task directly from clear instructions, without examples.',
    category: 'techniques',
    content: `You are {{ role }}. Complete the task below using only the instructions given here and your own knowledge. No examples are provided, so rely on a precise reading of the task.

Task:
{{ task }}

Input:
{{ input }}

Constraints:
{{ constraints }}

How to approach the task:
1. Read the task and the input carefully and identify exactly what is being asked, including the expected scope and level of detail.
2. If the task is ambiguous, choose the most reasonable interpretation and state it in one sentence before your answer.
3. Apply the constraints strictly. If a constraint conflicts with the task, follow the constraint and mention the conflict.
4. Base your answer only on the input and well-established knowledge. Do not invent facts, figures, names or sources; if something cannot be determined, say so explicitly.
5. Check your answer against the task before responding: is every part of the request addressed, and is nothing irrelevant included?

Quality requirements:
- Be accurate, specific and concise.
- Use plain, professional language suitable for the intended audience.
- Prefer concrete statements over vague generalizations.
- Do not add introductions, apologies or closing remarks that the task does not need.

Output format:
{{ output_format }}

Respond with the final answer only, in the output format above, preceded by the one-sentence interpretation only if step 2 applied.`,
    variables: [
      {
        name: 'task',
        description: 'A clear description of what the model should do.',
        required: true,
      },
      {
        name: 'input',
        description: 'The text or data the task operates on.',
        required: true,
      },
      {
        name: 'role',
        description: 'The expert persona the model should adopt.',
        required: false,
        defaultValue: 'a knowledgeable and precise assistant',
      },
      {
        name: 'constraints',
        description: 'Rules the answer must follow, such as length, tone or scope.',
        required: false,
        defaultValue: 'None beyond the task description.',
      },
      {
        name: 'output_format',
        description: 'The required shape of the answer.',
        required: false,
        defaultValue: 'Clear, well-structured plain text.',
      },
    ],
  },
  {
    name: 'few-shot',
    description:
      'A few-shot prompt that teaches the model a task through worked input/output examples and asks it to follow their format exactly.',
    category: 'techniques',
    content: `You are an expert at {{ task_description }}. Below are several worked examples that show exactly how inputs must be transformed into outputs. Study them, infer the underlying rules, and then apply the same rules to the new input.

Examples:
{{ examples }}

Instructions for using the examples:
1. Identify the pattern the examples share: what information is extracted or produced, how it is phrased, and how it is structured.
2. Match the output format of the examples exactly, including field names, ordering, capitalization, punctuation, delimiters and length. Do not add headings, explanations or extra fields that the examples do not have.
3. Treat the examples as demonstrations of the rules, not as content to copy. Never reuse specific values from an example unless they also appear in the new input.
4. If the examples disagree with each other, follow the pattern used by the majority of them.
5. If the new input contains a case that none of the examples cover, handle it in the way most consistent with the examples' logic, and keep the same format.
6. Additional guidance: {{ additional_instructions }}

Before answering, silently check your output against the examples: would it fit in naturally as one more example in the list? If not, revise it.

Now complete the task for this new input.

Input:
{{ input }}

Output:`,
    variables: [
      {
        name: 'task_description',
        description: 'Short description of the task, for example "classifying customer support tickets".',
        required: true,
      },
      {
        name: 'examples',
        description: 'Several input/output pairs in the exact format the answer must follow.',
        required: true,
      },
      {
        name: 'input',
        description: 'The new input to process.',
        required: true,
      },
      {
        name: 'additional_instructions',
        description: 'Extra rules that the examples do not make obvious.',
        required: false,
        defaultValue: 'None.',
      },
    ],
  },
  {
    name: 'chain-of-thought',
    description:
      'A chain-of-thought prompt that asks the model to reason step by step before committing to a clearly marked final answer.',
    category: 'techniques',
    content: `You are {{ role }}. Solve the problem below by reasoning step by step. Careful, explicit reasoning is more important than speed.

Problem:
{{ problem }}

Context and known information:
{{ context }}

Reasoning instructions:
1. Restate the problem in your own words and list exactly what is being asked.
2. List the given facts, quantities and constraints, and note any assumptions you must make.
3. Break the problem into smaller sub-problems and solve them one at a time, in a logical order.
4. Show each step of your reasoning explicitly. For calculations, write out the intermediate values; for logical arguments, state the rule or fact that justifies each step.
5. After reaching a result, verify it: check it against the constraints, test it with a quick sanity check or an alternative method, and correct any mistake you find before continuing.
6. If the problem cannot be solved with the information available, explain precisely what is missing instead of guessing.

Keep each step short and focused. Do not skip steps because they seem obvious; the goal is that a reader could follow and verify every part of the reasoning.

Output format:
Reasoning:
Step 1: ...
Step 2: ...
(continue with as many steps as needed)

Verification: one or two sentences confirming the result is consistent with the problem.

Final Answer: {{ answer_format }}

The "Final Answer:" line must be the last line of your response and must contain only the answer, with no additional reasoning.`,
    variables: [
      {
        name: 'problem',
        description: 'The question or problem to solve.',
        required: true,
      },
      {
        name: 'context',
        description: 'Background information, data or constraints relevant to the problem.',
        required: false,
        defaultValue: 'No additional context.',
      },
      {
        name: 'role',
        description: 'The expert persona the model should adopt.',
        required: false,
        defaultValue: 'a careful analytical problem solver',
      },
      {
        name: 'answer_format',
        description: 'How the final answer should be expressed.',
        required: false,
        defaultValue: 'a single concise answer',
      },
    ],
  },
  {
    name: 'tree-of-thoughts',
    description:
      'A tree-of-thoughts prompt that explores several solution branches, evaluates them, prunes weak ones and expands the most promising.',
    category: 'techniques',
    content: `You are an expert problem solver who uses the Tree of Thoughts method: instead of following a single line of reasoning, you explore several alternative approaches, evaluate them deliberately, prune the weak ones and expand only the most promising.

Problem:
{{ problem }}

Evaluation criteria for judging approaches:
{{ evaluation_criteria }}

Follow this procedure:

1. Generate branches. Propose {{ num_branches }} distinct initial approaches to the problem. They must differ in strategy, not just in wording. Describe each in two or three sentences.

2. Evaluate. For each branch, assess it against the evaluation criteria. Give it a rating of "promising", "uncertain" or "dead end", with a one-sentence justification. Be honest: a branch that violates a hard constraint is a dead end.

3. Prune. Discard the dead ends and explain briefly why. Keep at most the two strongest branches.

4. Expand. For each surviving branch, develop the next level of thoughts: the concrete next steps, sub-decisions or partial solutions. Evaluate these new thoughts the same way and prune again. Repeat this expand, evaluate and prune cycle up to {{ max_depth }} levels deep, or until a branch reaches a complete solution.

5. Backtrack when needed. If every surviving branch turns into a dead end, return to the best previously discarded branch and explore it instead, noting that you backtracked.

6. Select. Compare the complete solutions that remain and choose the best one against the evaluation criteria.

Output format:
- "Branches": the initial approaches with their ratings.
- "Exploration": the expanded tree, using indented labels such as A, A.1, A.1.a, each with its rating and the reason for pruning or keeping it.
- "Selected Solution": the chosen solution, described completely.
- "Why This Branch": a short comparison with the runner-up.
- "Final Answer": one line stating the answer.`,
    variables: [
      {
        name: 'problem',
        description: 'A problem that benefits from exploring multiple approaches.',
        required: true,
      },
      {
        name: 'evaluation_criteria',
        description: 'How to judge whether an approach or partial solution is promising.',
        required: false,
        defaultValue: 'correctness, feasibility, simplicity and how well the approach satisfies all constraints',
      },
      {
        name: 'num_branches',
        description: 'Number of initial approaches to generate.',
        required: false,
        defaultValue: '3',
      },
      {
        name: 'max_depth',
        description: 'Maximum number of expansion levels.',
        required: false,
        defaultValue: '3',
      },
    ],
  },
  {
    name: 'react',
    description:
      'A ReAct (Reasoning + Acting) prompt in which the model interleaves Thought, Action and Observation steps with tool calls until it can answer.',
    category: 'techniques',
    content: `You are an autonomous agent that solves tasks using the ReAct method: you interleave reasoning (Thought) with actions (Action) that call tools, and you use the results (Observation) to decide what to do next.

Task:
{{ task }}

Available tools:
{{ tools }}

You may only use the tools listed above, with the input format each tool describes. Do not invent tools, and do not invent tool results.

Use exactly this format, repeating the Thought, Action, Action Input and Observation block as many times as needed:

Thought: reason about the current state, what you know so far, what is still missing, and which single action will make the most progress.
Action: the name of exactly one tool from the list above.
Action Input: the input to pass to that tool.
Observation: the result returned by the tool.

Rules:
1. Always write a Thought before every Action. Keep each Thought short and specific.
2. Perform only one Action per step, then stop and wait for the Observation. Never write the Observation yourself; it will be provided to you.
3. Base your next Thought on the actual Observation. If a result is empty, an error or unexpected, adjust your plan: try different input or a different tool instead of repeating the same call.
4. Do not repeat an identical action with identical input.
5. Use at most {{ max_steps }} actions. If you reach this limit, stop and give the best answer you can with what you have learned, stating what remains uncertain.
6. Stop as soon as you have enough information to answer the task with confidence.

When you are done, finish with:

Thought: I now have enough information to answer.
Final Answer: {{ answer_format }}

Begin.

Thought:`,
    variables: [
      {
        name: 'task',
        description: 'The question or goal the agent must accomplish.',
        required: true,
      },
      {
        name: 'tools',
        description: 'The list of available tools, one per line, each with its name, purpose and input format.',
        required: true,
      },
      {
        name: 'max_steps',
        description: 'Maximum number of actions before the agent must answer.',
        required: false,
        defaultValue: '10',
      },
      {
        name: 'answer_format',
        description: 'How the final answer should be expressed.',
        required: false,
        defaultValue: 'a complete, concise answer to the original task',
      },
    ],
  },
  {
    name: 'self-consistency',
    description:
      'A self-consistency prompt that generates several independent reasoning paths and selects the answer reached by the majority.',
    category: 'techniques',
    content: `You are a rigorous analytical reasoner. Solve the problem below using the self-consistency method: produce several independent lines of reasoning, then select the answer that most of them agree on. This reduces the chance that a single reasoning error determines the result.

Problem:
{{ problem }}

Context:
{{ context }}

Procedure:
1. Generate {{ num_samples }} independent reasoning paths. Each path must solve the problem from scratch using a different approach, order of steps or point of view where possible (for example working forwards versus backwards, algebraic versus numeric, or considering a different interpretation first).
2. Treat each path as if the others did not exist. Do not copy intermediate results from one path to another, and do not adjust a path to match an earlier one.
3. End each path with a clearly stated answer, expressed in the same normalized form so answers can be compared (same units, same precision, same wording for categorical answers).
4. Tally the answers. Group answers that are equivalent even if phrased differently.
5. Select the majority answer. If there is a tie, or no answer is reached by more than one path, re-examine the conflicting paths, find the specific step where they diverge, determine which one is correct, and explain your decision.
6. Report a confidence level based on the agreement: high if nearly all paths agree, medium if a clear majority agrees, low otherwise.

Output format:
Path 1: reasoning ... Answer: ...
Path 2: reasoning ... Answer: ...
(continue for all paths)

Tally: each distinct answer with the number of paths that reached it.
Resolution: only needed if there was a tie or disagreement worth explaining.
Confidence: high, medium or low, with a one-sentence justification.
Final Answer: {{ answer_format }}`,
    variables: [
      {
        name: 'problem',
        description: 'The question or problem to solve.',
        required: true,
      },
      {
        name: 'context',
        description: 'Background information or data relevant to the problem.',
        required: false,
        defaultValue: 'No additional context.',
      },
      {
        name: 'num_samples',
        description: 'Number of independent reasoning paths to generate.',
        required: false,
        defaultValue: '5',
      },
      {
        name: 'answer_format',
        description: 'How the final answer should be expressed.',
        required: false,
        defaultValue: 'the majority answer in a single line',
      },
    ],
  },
  {
    name: 'meta-prompting',
    description:
      'A meta-prompting template that asks the model to write or improve a prompt for a given task, target model and audience.',
    category: 'techniques',
    content: `You are an expert prompt engineer. Your job is to write a high-quality prompt that another language model will execute. You are not performing the task yourself; you are designing the instructions that will make another model perform it reliably.

Task the prompt must accomplish:
{{ task }}

Target model and usage context: {{ target_model }}

Intended users and audience of the output: {{ audience }}

Existing prompt to improve (may be empty):
{{ current_prompt }}

Known problems or requirements:
{{ requirements }}

Follow these steps:
1. Analyze the task: identify the goal, the inputs the prompt will receive, the expected output, and the most likely failure modes (ambiguity, hallucination, wrong format, excessive length, unsafe content).
2. If an existing prompt is provided, critique it: list its concrete weaknesses and what works well and should be kept.
3. Write the new prompt. It should:
   - assign a clear role and state the objective in the first lines;
   - describe the inputs using clearly named placeholders;
   - give concrete, ordered instructions and explicit constraints;
   - include guidance for edge cases and for when information is missing;
   - specify the exact output format, with a short example of the shape of the output if helpful;
   - avoid vague words such as "good" or "appropriate" without defining them;
   - be as short as possible while still unambiguous.
4. Review the new prompt against the failure modes from step 1 and revise it until each one is addressed.
5. Propose two or three test inputs, including at least one edge case, that could be used to evaluate the prompt.

Output format:
- "Analysis": a brief list covering step 1 and, if applicable, step 2.
- "Prompt": the complete new prompt in a single fenced code block, ready to copy.
- "Design Rationale": a short list explaining the key choices.
- "Test Inputs": the inputs from step 5 with what a good response would look like.`,
    variables: [
      {
        name: 'task',
        description: 'The task the generated prompt should make a model perform.',
        required: true,
      },
      {
        name: 'current_prompt',
        description: 'An existing prompt to improve, if any.',
        required: false,
        defaultValue: '(none - write a new prompt from scratch)',
      },
      {
        name: 'target_model',
        description: 'The model and setting in which the prompt will be used.',
        required: false,
        defaultValue: 'a general-purpose instruction-following large language model',
      },
      {
        name: 'audience',
        description: 'Who will read or use the output produced by the prompt.',
        required: false,
        defaultValue: 'technical professionals',
      },
      {
        name: 'requirements',
        description: 'Known issues with current outputs or additional requirements for the prompt.',
        required: false,
        defaultValue: 'None specified.',
      },
    ],
  },
  {
    name: 'prompt-chaining',
    description:
      'One step of a prompt chain: takes the previous step output as input, performs a single focused transformation and produces output for the next step.',
    category: 'techniques',
    content: `You are executing one step in a multi-step prompt chain. Each step performs a single, focused transformation: it receives the output of the previous step as its input and produces output that the next step will consume automatically. Reliability and a strict output format matter more than creativity, because another program or prompt depends on your result.

Overall goal of the chain:
{{ chain_goal }}

Your step: step {{ step_number }}
Instruction for this step:
{{ step_instruction }}

Input (output of the previous step):
{{ previous_output }}

Required output format (this is what the next step expects):
{{ output_format }}

Rules:
1. Perform only the instruction for this step. Do not attempt earlier or later steps of the chain, even if you can see what they will be.
2. Treat the input as your only source of data for this step. Preserve all information that later steps may need, unless the instruction explicitly says to remove or summarize it.
3. Do not invent information that is not present in the input. If something required is missing, include it in the output as an explicit gap, using the convention of the output format (for example a null value or a "missing" marker), rather than guessing.
4. If the input is malformed or does not match what this step expects, still produce output in the required format, and record the problem in the place the format provides for errors or notes, so the chain can detect it.
5. Keep the output self-contained: the next step will see only your output, not this prompt or the original input.
6. Produce the output in exactly the required format, with no preamble, explanation, commentary or surrounding text outside that format.

Before responding, check that your output is complete, follows the required format exactly, and could be passed directly to the next step without any manual editing.

Output:`,
    variables: [
      {
        name: 'step_instruction',
        description: 'The single transformation this step must perform.',
        required: true,
      },
      {
        name: 'previous_output',
        description: 'The output produced by the previous step in the chain, or the initial input for the first step.',
        required: true,
      },
      {
        name: 'output_format',
        description: 'The exact format the next step expects, for example a JSON shape or a list structure.',
        required: true,
      },
      {
        name: 'chain_goal',
        description: 'The overall objective of the whole chain, for context.',
        required: false,
        defaultValue: 'Not specified; focus solely on this step.',
      },
      {
        name: 'step_number',
        description: 'Position of this step in the chain.',
        required: false,
        defaultValue: '1',
      },
    ],
  },
];
