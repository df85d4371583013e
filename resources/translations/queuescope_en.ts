<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message numerus="yes">
        <source>%n CPU(s)</source>
        <translation>
            <numerusform>%Ln CPU</numerusform>
            <numerusform>%Ln CPUs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CellTableModel</name>
    <message numerus="yes">
        <source>{count} of %n trials had {outcome}: {rate} (95 % Wilson interval). Double-click the row for its trials.</source>
        <translation>
            <numerusform>{count} of %Ln trial had {outcome}: {rate} (95 % Wilson interval). Double-click the row for its trials.</numerusform>
            <numerusform>{count} of %Ln trials had {outcome}: {rate} (95 % Wilson interval). Double-click the row for its trials.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExperimentTab</name>
    <message numerus="yes">
        <source>Experiment: %n cells × {trials} trials…</source>
        <translation>
            <numerusform>Experiment: %Ln cell × {trials} trials…</numerusform>
            <numerusform>Experiment: %Ln cells × {trials} trials…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after {done} of %n trials ({took}); trials cut short are not counted</source>
        <translation>
            <numerusform>Cancelled after {done} of %Ln trial ({took}); trials cut short are not counted</numerusform>
            <numerusform>Cancelled after {done} of %Ln trials ({took}); trials cut short are not counted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: %n trials in {took}</source>
        <translation>
            <numerusform>Done: %Ln trial in {took}</numerusform>
            <numerusform>Done: %Ln trials in {took}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{done} / %n trials</source>
        <translation>
            <numerusform>{done} / %Ln trial</numerusform>
            <numerusform>{done} / %Ln trials</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilteredItemTable</name>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%Ln item</numerusform>
            <numerusform>%Ln items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{shown} of %n item(s)</source>
        <translation>
            <numerusform>{shown} of %Ln item</numerusform>
            <numerusform>{shown} of %Ln items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ForceRaceDialog</name>
    <message numerus="yes">
        <source>%n worker(s)</source>
        <translation>
            <numerusform>%Ln worker</numerusform>
            <numerusform>%Ln workers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%Ln item</numerusform>
            <numerusform>%Ln items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SpecPanel</name>
    <message numerus="yes">
        <source>%n cells × {trials} trials = {runs} runs</source>
        <translation>
            <numerusform>%Ln cell × {trials} trials = {runs} runs</numerusform>
            <numerusform>%Ln cells × {trials} trials = {runs} runs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrialListDialog</name>
    <message numerus="yes">
        <source>%n trial(s): {rates}</source>
        <translation>
            <numerusform>%Ln trial: {rates}</numerusform>
            <numerusform>%Ln trials: {rates}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n trial(s)</source>
        <translation>
            <numerusform>%Ln trial</numerusform>
            <numerusform>%Ln trials</numerusform>
        </translation>
    </message>
</context>
</TS>
